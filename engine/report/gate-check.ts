/**
 * The gate results the report shows and how far a value lies outside its gate. The results are
 * collect-results' evaluations (contracts/gate-evaluation.ts), passed in as they are: gates are
 * evaluated in one place only (lambdas/collect-results/gates.ts), with the analysis context's
 * warnings, intervals and drift.
 */

import type { GateEvaluation } from "../../contracts/gate-evaluation.ts";
import type { Gate } from "../../contracts/pipeline-state.ts";

/** One gated metric value and whether it held, as collect-results evaluated it. */
export type GateResult = GateEvaluation;

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
