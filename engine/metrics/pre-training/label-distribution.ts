import type { Confusion, FacetSplitCounts } from "../counts.ts";
import { negatives, positives, rows } from "../counts.ts";
import { requireThat } from "../metric-error.ts";

/**
 * The distance metrics compare the label distributions P_a and P_d (over negative/positive).
 * Like Clarify, only outcomes with a non-zero probability on BOTH sides are kept, and the
 * kept probabilities are not renormalised.
 */
function alignedDistributions(split: FacetSplitCounts): { pa: number[]; pd: number[] } {
  const pa: number[] = [];
  const pd: number[] = [];
  const distribution = (c: Confusion) => {
    const n = rows(c);
    return n === 0 ? [0, 0] : [negatives(c, "label") / n, positives(c, "label") / n];
  };
  const a = distribution(split.a);
  const d = distribution(split.d);
  for (let outcome = 0; outcome < 2; outcome++) {
    const x = a[outcome] ?? 0;
    const y = d[outcome] ?? 0;
    if (x > 0 && y > 0) {
      pa.push(x);
      pd.push(y);
    }
  }
  requireThat(pa.length > 0, "No instance of common facet found, dataset may be too small");
  return { pa, pd };
}

/** KL(P_a ‖ P_d) = Σ P_a log(P_a / P_d). */
export function kullbackLeibler(split: FacetSplitCounts): number {
  const { pa, pd } = alignedDistributions(split);
  return pa.reduce((sum, p, i) => sum + p * Math.log(p / (pd[i] ?? 1)), 0);
}

/** JS = ½ [KL(P_a ‖ P) + KL(P_d ‖ P)] with P = ½ (P_a + P_d). */
export function jensenShannon(split: FacetSplitCounts): number {
  const { pa, pd } = alignedDistributions(split);
  let sum = 0;
  pa.forEach((a, i) => {
    const d = pd[i] ?? 0;
    const m = (a + d) / 2;
    sum += a * Math.log(a / m) + d * Math.log(d / m);
  });
  return sum / 2;
}

/** LP = ‖P_a − P_d‖₂. */
export function lpNorm(split: FacetSplitCounts): number {
  const { pa, pd } = alignedDistributions(split);
  return Math.sqrt(pa.reduce((sum, a, i) => sum + (a - (pd[i] ?? 0)) ** 2, 0));
}

/** TVD = ½ ‖P_a − P_d‖₁. */
export function totalVariationDistance(split: FacetSplitCounts): number {
  const { pa, pd } = alignedDistributions(split);
  return pa.reduce((sum, a, i) => sum + Math.abs(a - (pd[i] ?? 0)), 0) / 2;
}

/** KS = max |P_a − P_d|. */
export function kolmogorovSmirnov(split: FacetSplitCounts): number {
  const { pa, pd } = alignedDistributions(split);
  return pa.reduce((max, a, i) => Math.max(max, Math.abs(a - (pd[i] ?? 0))), 0);
}
