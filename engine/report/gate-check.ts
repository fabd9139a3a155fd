/**
 * The gate results the report shows. A run's verdict comes from collect-results (its
 * evaluations are passed in as they are); without one, e.g. for `analyze`, the gates are checked
 * here for display with the same bounds.
 */
import type { Gate, Gates } from "../../lambdas/shared/contracts.ts";
import type { BiasStage, ReportSection } from "./analysis-shape.ts";

/** One gated metric value and whether it held: the shape of collect-results' evaluations. */
export interface GateResult {
  readonly metric: string;
  readonly stage: BiasStage;
  /** `*` when no facet reports the metric. */
  readonly facet: string;
  readonly facetValue: string;
  readonly value: number | null;
  readonly gate: Gate;
  readonly passed: boolean;
  /** Why it failed (exact values); absent when it passed. */
  readonly message?: string;
}

/** The gate of one metric code; only the gates' own keys count (`constructor` names no gate). */
export function gateFor(gates: Gates, code: string): Gate | undefined {
  return Object.hasOwn(gates, code) ? gates[code] : undefined;
}

/** The [low, high] interval a gate allows; infinite where it sets no bound. */
export function allowedInterval(gate: Gate): { readonly low: number; readonly high: number } {
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  if (gate.absMax !== undefined) {
    low = -gate.absMax;
    high = gate.absMax;
  }
  if (gate.min !== undefined) low = Math.max(low, gate.min);
  if (gate.max !== undefined) high = Math.min(high, gate.max);
  return { low, high };
}

/** How far `value` lies outside [low, high]: 0 inside, Infinity for an infinite value outside. */
export function distanceOutside(value: number, low: number, high: number): number {
  if (value < low) return low - value;
  if (value > high) return value - high;
  return 0;
}

/** Checks every reported value of each gated metric, as collect-results does, for display. */
export function checkGates(sections: readonly ReportSection[], gates: Gates): GateResult[] {
  const results: GateResult[] = [];
  for (const [metric, gate] of Object.entries(gates)) {
    let found = false;
    for (const section of sections) {
      for (const facet of section.facets) {
        for (const entry of facet.values) {
          for (const reported of entry.metrics) {
            if (reported.code !== metric) continue;
            found = true;
            const { low, high } = allowedInterval(gate);
            const passed = reported.value !== null && distanceOutside(reported.value, low, high) === 0;
            results.push({
              metric,
              stage: section.stage,
              facet: facet.name,
              facetValue: entry.valueOrThreshold,
              value: reported.value,
              gate,
              passed,
              ...(passed
                ? {}
                : {
                    message:
                      reported.value === null
                        ? "no value, so the gate cannot be shown to hold"
                        : `${reported.value} is outside the allowed range`,
                  }),
            });
          }
        }
      }
    }
    if (!found) {
      results.push({
        metric,
        stage: sections[0]?.stage ?? "pre_training",
        facet: "*",
        facetValue: "*",
        value: null,
        gate,
        passed: false,
        message: `metric ${metric} is not in the analysis, so its gate cannot be checked`,
      });
    }
  }
  return results;
}

/** Breaches, furthest outside their allowed range first; breaches without a value keep their order, last. */
export function worstFirst(results: readonly GateResult[]): GateResult[] {
  const severity = (result: GateResult): number => {
    if (result.value === null) return -1;
    const { low, high } = allowedInterval(result.gate);
    return distanceOutside(result.value, low, high);
  };
  return results
    .filter((result) => !result.passed)
    .map((result, index) => ({ result, index, severity: severity(result) }))
    .sort((x, y) => y.severity - x.severity || x.index - y.index)
    .map(({ result }) => result);
}
