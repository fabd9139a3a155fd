import type { FacetSplitCounts, Outcome } from "./counts.ts";
import { negatives, positives, rows } from "./counts.ts";
import { divide } from "./divide.ts";
import { requireThat } from "./metric-error.ts";

/**
 * Conditional demographic disparity (CDDL on labels, CDDPL on predictions):
 * CDD = Σ_i n_i · DD_i / Σ_i n_i over the groups i of `group_variable`, where
 * DD_i = (facet rows among group i's negatives) / (group i's negatives)
 *      − (facet rows among group i's positives) / (group i's positives),
 * and a fraction with an empty denominator counts as 0.
 */
export function conditionalDemographicDisparity(split: FacetSplitCounts, outcome: Outcome): number {
  const groups = split.groups;
  requireThat(groups !== undefined && groups.length > 0, "Group variable is empty or not provided");
  const allPositives = positives(split.d, outcome) + positives(split.a, outcome);
  requireThat(allPositives > 0, "No positive labels in set");
  const allNegatives = negatives(split.d, outcome) + negatives(split.a, outcome);
  requireThat(allNegatives > 0, "No negative labels in set");

  let weighted = 0;
  let total = 0;
  for (const group of groups ?? []) {
    const size = rows(group.d) + rows(group.a);
    const groupPositives = positives(group.d, outcome) + positives(group.a, outcome);
    const groupNegatives = negatives(group.d, outcome) + negatives(group.a, outcome);
    const acceptedShare = groupPositives === 0 ? 0 : positives(group.d, outcome) / groupPositives;
    const rejectedShare = groupNegatives === 0 ? 0 : negatives(group.d, outcome) / groupNegatives;
    weighted += size * (rejectedShare - acceptedShare);
    total += size;
  }
  return divide(weighted, total);
}
