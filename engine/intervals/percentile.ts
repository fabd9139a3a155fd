/**
 * The `probability` quantile of sorted values, interpolating linearly between neighbours
 * (numpy's default). Infinite values sort to the ends and are returned as they are.
 */
export function quantile(sorted: Float64Array, probability: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = probability * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  if (low === high || position === below) return low;
  // Any weight on -Infinity (DCA, DCR, ... when a resampled group predicts no positive) is
  // -Infinity, as any weight on +Infinity is +Infinity below; the plain formula would give NaN.
  if (low === Number.NEGATIVE_INFINITY) return high === Number.POSITIVE_INFINITY ? Number.NaN : low;
  return low + (high - low) * (position - below);
}

/** The two-sided percentile interval at `level` (e.g. 0.95: the 2.5 % and 97.5 % quantiles). */
export function percentileInterval(sorted: Float64Array, level: number): { low: number; high: number } {
  const tail = (1 - level) / 2;
  return { low: quantile(sorted, tail), high: quantile(sorted, 1 - tail) };
}
