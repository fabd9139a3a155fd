/**
 * What CollectResults' gate evaluation hands on, and the one order of its breaches: summary.json
 * lists them in it, and so do the verdict and the engine's report, which shows collect-results'
 * evaluations as they are (the gates are evaluated in lambdas/collect-results/ only).
 */
import type { BiasStage } from "./bias-stages.ts";
import type { NumericInterval } from "./intervals-lookup.ts";
import type { Gate, GateBreach } from "./pipeline-state.ts";

/** Facet placeholder of a breach that no facet reported. */
export const ANY_FACET = "*";

/** What summary.json shows beside a gated value; each field only when it applies. */
export interface GateDetails {
  /** The value's bootstrap interval, at the gate's `confidence` (else intervals.json's level). */
  readonly interval?: NumericInterval & { readonly confidence: number };
  /** Why a `confidence` gate was checked on the point value instead. */
  readonly intervalNote?: string;
  /** The baseline's value of the same metric, facet and value. */
  readonly baseline?: number;
  /** |value − ideal| − |baseline − ideal|: positive is worse. */
  readonly drift?: number;
  /** The drift of every value in `interval` (with `confidence`). */
  readonly driftInterval?: NumericInterval;
  /** Why drift was not checked (no passed run yet). */
  readonly driftNote?: string;
  /** The bounds that breached: absMax, min, max, maxDrift. */
  readonly breached?: readonly string[];
}

/** One gated metric value and whether it held (with its interval, baseline and drift when they apply). */
export interface GateEvaluation extends GateDetails {
  readonly metric: string;
  readonly stage: BiasStage;
  readonly facet: string;
  readonly facetValue: string;
  readonly value: number | null;
  readonly gate: Gate;
  readonly passed: boolean;
  /** Why it failed; absent when it passed. */
  readonly message?: string;
  /** The analysis-context warning that failed it, when one did. */
  readonly warning?: string;
}

/**
 * The failed evaluations, worst first (see {@link breachSeverity}); equally bad ones keep their
 * order. The one order of breaches: summary.json's, the verdict's and the report's.
 */
export function worstFirst(
  evaluations: readonly GateEvaluation[],
): (GateEvaluation & { readonly message: string })[] {
  return evaluations
    .filter((evaluation): evaluation is GateEvaluation & { message: string } => !evaluation.passed)
    .map((breach, order) => ({ breach, order, severity: breachSeverity(breach) }))
    .sort((x, y) => y.severity - x.severity || x.order - y.order)
    .map((ranked) => ranked.breach);
}

/**
 * How bad a breach is, for ordering: a gate that cannot be checked at all (no value, a metric
 * nobody computed, a failing warning) comes first; then the distance outside the allowed range.
 */
export function breachSeverity(breach: GateBreach): number {
  const { value, gate } = breach;
  if (value === null || breach.warning !== undefined || breach.facet === ANY_FACET) {
    return Number.POSITIVE_INFINITY;
  }
  // A drift bound that could not be checked (the baseline lacks the value) is as bad as no value.
  if (breach.breached?.includes("maxDrift") && breach.drift === undefined) return Number.POSITIVE_INFINITY;
  const outside = [
    gate.maxDrift !== undefined && breach.drift !== undefined ? breach.drift - gate.maxDrift : 0,
    gate.absMax !== undefined ? Math.abs(value) - gate.absMax : 0,
    gate.min !== undefined ? gate.min - value : 0,
    gate.max !== undefined ? value - gate.max : 0,
  ];
  return Math.max(...outside);
}
