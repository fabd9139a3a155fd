/**
 * Drift against a baseline, measured as distance from the metric's ideal (0 for differences
 * and divergences, 1 for DI): drift = |value − ideal| − |baseline − ideal|. Positive drift is
 * a worsening; an improvement is negative and never breaches. Model Monitor's bias-drift rule
 * (a violation when a metric is further from its ideal than the baseline) is maxDrift 0.
 */
import type { NumericInterval } from "../../contracts/intervals-lookup.ts";

export function distanceFromIdeal(value: number, ideal: number): number {
  return Math.abs(value - ideal);
}

export function drift(value: number, baseline: number, ideal: number): number {
  const now = distanceFromIdeal(value, ideal);
  const then = distanceFromIdeal(baseline, ideal);
  // Both infinitely far (e.g. DI = Infinity twice): no change.
  if (now === then) return 0;
  return now - then;
}

/**
 * The drift of every value in `interval`: its distance from the ideal ranges from 0 (when the
 * interval holds the ideal) or its nearer end, to its farther end.
 */
export function driftInterval(interval: NumericInterval, baseline: number, ideal: number): NumericInterval {
  const toLow = distanceFromIdeal(interval.low, ideal);
  const toHigh = distanceFromIdeal(interval.high, ideal);
  const nearest = interval.low <= ideal && ideal <= interval.high ? 0 : Math.min(toLow, toHigh);
  const farthest = Math.max(toLow, toHigh);
  const then = distanceFromIdeal(baseline, ideal);
  return { low: nearest - then, high: farthest - then };
}
