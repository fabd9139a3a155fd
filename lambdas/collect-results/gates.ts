/**
 * Evaluates a run's bias gates against the metrics of analysis.json: every facet and
 * facet value that reports a gated metric is checked. A warning of the engine's analysis
 * context marked `failsGates` (an empty facet group, no positive label) makes every gate on
 * the metrics it concerns fail, whatever their value: such a value says nothing about bias.
 * The bounds themselves (with intervals and a baseline) are checked in gate-bounds.ts.
 */
import type { AnalysisWarning } from "../../contracts/analysis-context.ts";
import { ANY_FACET, type GateEvaluation, worstFirst } from "../../contracts/gate-evaluation.ts";
import { POST_TRAINING_METRICS } from "../../contracts/metric-codes.ts";
import type { GateBreach, Gates } from "../../contracts/pipeline-state.ts";
import type { BiasAnalysis } from "./analysis-result.ts";
import { checkGateValue, type GateContext } from "./gate-bounds.ts";

export interface GateReport {
  readonly evaluations: readonly GateEvaluation[];
  /** Worst first (see breachSeverity in contracts/gate-evaluation.ts). */
  readonly breaches: readonly GateBreach[];
  /** The warnings that failed a gate, each once, in the order first applied. */
  readonly applied: readonly AnalysisWarning[];
}

// Any code that is not a post-training metric is reported as pre-training.
const POST_TRAINING: ReadonlySet<string> = new Set(POST_TRAINING_METRICS);

export function evaluateGates(
  analysis: BiasAnalysis,
  gates: Gates,
  warnings: readonly AnalysisWarning[] = [],
  context: GateContext = {},
): GateReport {
  const evaluations: GateEvaluation[] = [];
  const blocking = warnings.filter((w) => w.failsGates);
  const applied: AnalysisWarning[] = [];
  for (const [metric, gate] of Object.entries(gates)) {
    let found = false;
    for (const stage of ["pre_training", "post_training"] as const) {
      for (const [facet, values] of Object.entries(analysis[stage]?.facets ?? {})) {
        for (const entry of values) {
          for (const reported of entry.metrics) {
            if (reported.name !== metric) continue;
            found = true;
            const common = {
              metric,
              stage,
              facet,
              facetValue: entry.valueOrThreshold,
              value: reported.value,
              gate,
            };
            // Without the engine's analysis context (the Clarify image writes none), Clarify's own
            // "facet set is empty" error marks an empty group.
            const warning =
              blocking.find((w) => inScope(w, facet, entry.valueOrThreshold)) ??
              (entry.emptyGroup === undefined
                ? undefined
                : emptyGroupWarning(facet, entry.valueOrThreshold, entry.emptyGroup));
            const checked = warning
              ? undefined
              : checkGateValue(whereOf(common), common, reported.value, gate, context);
            const problem = warning
              ? `${whereOf(common)} = ${reported.value} cannot pass: ${warning.message}`
              : checked?.message;
            if (warning && !applied.some((w) => w.message === warning.message)) applied.push(warning);
            const failed =
              problem === undefined ? {} : { message: problem, ...(warning && { warning: warning.code }) };
            const details = checked?.details ?? {};
            evaluations.push({ ...common, ...details, passed: problem === undefined, ...failed });
          }
        }
      }
    }
    if (!found) {
      // A gate on a metric nobody computed is a misconfiguration: passing it silently would hide it.
      const message = `metric ${metric} not in analysis.json: no facet reports it, so its gate cannot be checked (is it in the analysis config's methods?)`;
      const common = {
        metric,
        stage: POST_TRAINING.has(metric) ? ("post_training" as const) : ("pre_training" as const),
        facet: ANY_FACET,
        facetValue: ANY_FACET,
        value: null,
        gate,
      };
      evaluations.push({ ...common, passed: false, message });
    }
  }
  // A breach is a failed evaluation, without its `passed`.
  const breaches = worstFirst(evaluations).map(({ passed: _, ...breach }): GateBreach => breach);
  return { evaluations, breaches, applied };
}

/** A warning without a facet covers the whole analysis; one with a facet, that facet (value). */
function inScope(warning: AnalysisWarning, facet: string, valueOrThreshold: string): boolean {
  if (warning.facet === undefined) return warning.valueOrThreshold === undefined;
  return warning.facet === facet && (warning.valueOrThreshold ?? valueOrThreshold) === valueOrThreshold;
}

type Located = Pick<GateBreach, "metric" | "stage" | "facet" | "facetValue" | "value" | "gate">;

function whereOf(breach: Located): string {
  return `${breach.metric} for ${breach.facet}=${breach.facetValue} (${breach.stage.replace("_", "-")})`;
}

/**
 * Why the value breaks its plain bounds, or undefined when it holds; numbers written by `show`
 * (the verdict's readable form of gate-bounds.ts' exact message).
 */
function breachMessage(breach: Located, show: (x: number) => string): string | undefined {
  const { value, gate } = breach;
  const where = whereOf(breach);
  if (value === null) return `${where} has no value (null), so the gate cannot be shown to hold`;
  if (gate.absMax !== undefined && Math.abs(value) > gate.absMax) {
    return `${where} = ${show(value)}: |value| ${show(Math.abs(value))} exceeds absMax ${gate.absMax}`;
  }
  if (gate.min !== undefined && value < gate.min) return `${where} = ${show(value)} is below min ${gate.min}`;
  if (gate.max !== undefined && value > gate.max) return `${where} = ${show(value)} is above max ${gate.max}`;
  return undefined;
}

/** A value for reading: 4 significant digits (exact values stay in summary.json). */
export function forReading(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** One breach as the verdict lists it: its value rounded for reading. */
export function breachForReading(breach: GateBreach): string {
  if (breach.facet === ANY_FACET) return breach.message;
  if (breach.warning !== undefined) return `${whereOf(breach)} cannot pass (${breach.warning})`;
  // Interval and drift breaches keep their exact message: the plain bounds alone would misstate them.
  if (breach.gate.confidence !== undefined || breach.breached?.includes("maxDrift")) return breach.message;
  return breachMessage(breach, forReading) ?? breach.message;
}

function emptyGroupWarning(facet: string, valueOrThreshold: string, error: string): AnalysisWarning {
  return {
    code: "EMPTY_FACET_GROUP",
    message: `facet "${facet}" value ${JSON.stringify(valueOrThreshold)} leaves one side of the comparison without rows (Clarify: "${error}"), so its metrics are empty or meaningless; check the facet value against the values the column holds`,
    facet,
    valueOrThreshold,
    failsGates: true,
  };
}
