/**
 * A metric that cannot be computed for this split (empty facet, no positive labels, ...).
 * Clarify reports such a metric with `value: null` and the reason in `error`; so do we.
 */
export class MetricComputationError extends Error {
  override readonly name = "MetricComputationError" as const;
}

/** Throws a MetricComputationError unless `condition` holds. */
export function requireThat(condition: boolean, message: string): void {
  if (!condition) throw new MetricComputationError(message);
}
