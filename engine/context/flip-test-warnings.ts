/**
 * The analysis context's warning about FT: where Clarify's own FT may differ from the engine's
 * because scikit-learn's answer depends on the processing instance's cores.
 */
import type { AnalysisWarning } from "../../contracts/analysis-context.ts";

/** Rows with a tie across the k-th neighbour where scikit-learn's threads decide which row stays. */
export function flipTestThreadDependentTies(
  facetName: string,
  valueOrThreshold: string,
  rows: number,
  disadvantagedRows: number,
): AnalysisWarning {
  return {
    code: "FT_TIES_DEPEND_ON_THREADS",
    message: `FT: ${rows} of ${disadvantagedRows} disadvantaged rows have advantaged rows tied at their k-th nearest distance. With more than 15 float64 features scikit-learn compares every pair of rows on several threads and merges their picks, so which of the tied rows Clarify's FT counts depends on the processing instance's cores; this FT is scikit-learn's one-thread value and Clarify's may differ. Writing the features as integers (int64: one order on any instance) or adding a feature that separates the tied rows avoids it.`,
    facet: facetName,
    valueOrThreshold,
    failsGates: false,
  };
}
