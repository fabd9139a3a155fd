import type { FacetSplitCounts } from "../counts.ts";
import { rows } from "../counts.ts";
import { requireThat } from "../metric-error.ts";

/** CI = (n_a − n_d) / (n_a + n_d): how under-represented the facet is. */
export function classImbalance(split: FacetSplitCounts): number {
  const na = rows(split.a);
  const nd = rows(split.d);
  requireThat(na > 0, "CI: negated facet set is empty. Check that x[~facet] has non-zero length.");
  requireThat(nd > 0, "CI: facet set is empty. Check that x[facet] has non-zero length.");
  return (na - nd) / (na + nd);
}
