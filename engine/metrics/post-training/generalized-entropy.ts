import type { Confusion } from "../counts.ts";
import { rows } from "../counts.ts";
import { requireThat } from "../metric-error.ts";

/**
 * GE with α = 2 over the whole dataset (Clarify does not split it by facet).
 * Each row's benefit is b = ŷ − y + 1, so b is 0 (FN), 1 (TP, TN) or 2 (FP), and
 * GE = Σ ((b / mean b)^α − 1) / (n α (α − 1)) only needs the confusion counts.
 */
export function generalizedEntropy(all: Confusion, alpha = 2): number {
  const n = rows(all);
  requireThat(n > 0, "dataset must be non-empty");
  const benefitSum = all.tp + all.tn + 2 * all.fp;
  const mean = benefitSum / n;
  requireThat(
    mean !== 0,
    "All predicted labels are false negatives. There should be at least one prediction that is not false negative.",
  );
  const term = (benefit: number, count: number) => count * ((benefit / mean) ** alpha - 1);
  const sum = term(0, all.fn) + term(1, all.tp + all.tn) + term(2, all.fp);
  return sum / (n * alpha * (alpha - 1));
}
