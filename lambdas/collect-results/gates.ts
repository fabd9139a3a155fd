/**
 * Evaluates a run's bias gates against the metrics of analysis.json: every facet and
 * facet value that reports a gated metric is checked.
 */
import type { Gate, GateBreach, Gates } from "../shared/contracts.ts";
import { POST_TRAINING_METRICS } from "../shared/metric-codes.ts";
import type { BiasAnalysis, BiasStage } from "./analysis-result.ts";

/** One gated metric value and whether it held. */
export interface GateEvaluation {
  readonly metric: string;
  readonly stage: BiasStage;
  readonly facet: string;
  readonly facetValue: string;
  readonly value: number | null;
  readonly gate: Gate;
  readonly passed: boolean;
  /** Why it failed; absent when it passed. */
  readonly message?: string;
}

export interface GateReport {
  readonly evaluations: readonly GateEvaluation[];
  readonly breaches: readonly GateBreach[];
}

/** Facet placeholder of a breach that no facet reported. */
export const ANY_FACET = "*";

// Any code that is not a post-training metric is reported as pre-training.
const POST_TRAINING: ReadonlySet<string> = new Set(POST_TRAINING_METRICS);

export function evaluateGates(analysis: BiasAnalysis, gates: Gates): GateReport {
  const evaluations: GateEvaluation[] = [];
  const breaches: GateBreach[] = [];
  for (const [metric, gate] of Object.entries(gates)) {
    let found = false;
    for (const stage of ["pre_training", "post_training"] as const) {
      for (const [facet, values] of Object.entries(analysis[stage]?.facets ?? {})) {
        for (const entry of values) {
          for (const reported of entry.metrics) {
            if (reported.name !== metric) continue;
            found = true;
            const where = `${metric} for ${facet}=${entry.valueOrThreshold} (${stage.replace("_", "-")})`;
            const problem = breachMessage(where, reported.value, gate);
            const common = {
              metric,
              stage,
              facet,
              facetValue: entry.valueOrThreshold,
              value: reported.value,
              gate,
            };
            evaluations.push(
              problem ? { ...common, passed: false, message: problem } : { ...common, passed: true },
            );
            if (problem) breaches.push({ ...common, message: problem });
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
      breaches.push({ ...common, message });
    }
  }
  return { evaluations, breaches };
}

/** Why `value` breaks `gate`, or undefined when it holds. */
function breachMessage(where: string, value: number | null, gate: Gate): string | undefined {
  if (value === null) return `${where} has no value (null), so the gate cannot be shown to hold`;
  if (gate.absMax !== undefined && Math.abs(value) > gate.absMax) {
    return `${where} = ${value}: |value| ${Math.abs(value)} exceeds absMax ${gate.absMax}`;
  }
  if (gate.min !== undefined && value < gate.min) return `${where} = ${value} is below min ${gate.min}`;
  if (gate.max !== undefined && value > gate.max) return `${where} = ${value} is above max ${gate.max}`;
  return undefined;
}
