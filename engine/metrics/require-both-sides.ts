import type { FacetSplitCounts } from "./counts.ts";
import { rows } from "./counts.ts";
import { requireThat } from "./metric-error.ts";

/** Most metrics compare the two sides of a facet, so neither may be empty. */
export function requireBothSides(split: FacetSplitCounts, prefix = ""): void {
  requireThat(rows(split.d) > 0, `${prefix}Facet set is empty`);
  requireThat(rows(split.a) > 0, `${prefix}Negated Facet set is empty`);
}
