import type { FacetSplitCounts, Outcome } from "./counts.ts";
import { positives, rows } from "./counts.ts";
import { divide } from "./divide.ts";
import { requireThat } from "./metric-error.ts";

/** DPL (labels) / DPPL (predictions): q_a − q_d, the difference in positive proportions. */
export function differenceInPositiveProportions(split: FacetSplitCounts, outcome: Outcome): number {
  const na = rows(split.a);
  const nd = rows(split.d);
  requireThat(na > 0, "Negative facet set is empty.");
  requireThat(nd > 0, "Facet set is empty.");
  return positives(split.a, outcome) / na - positives(split.d, outcome) / nd;
}

/** DI = q_d / q_a on predicted labels; q_a = 0 gives Infinity (or 0 when q_d is 0 too). */
export function disparateImpact(split: FacetSplitCounts): number {
  const na = rows(split.a);
  requireThat(na > 0, "Negated facet set is empty");
  const nd = rows(split.d);
  requireThat(nd > 0, "Facet set is empty");
  return divide(positives(split.d, "predicted") / nd, positives(split.a, "predicted") / na);
}
