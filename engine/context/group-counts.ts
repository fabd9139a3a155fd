import type { GroupCounts, SideCounts } from "../../contracts/analysis-context.ts";
import type { Confusion, FacetSplitCounts } from "../metrics/counts.ts";

/** The counts behind one facet value's metrics, as the analysis context states them. */
export function groupCounts(
  valueOrThreshold: string,
  split: FacetSplitCounts,
  postTraining: boolean,
): GroupCounts {
  return {
    valueOrThreshold,
    facet: sideCounts(split.d, postTraining),
    others: sideCounts(split.a, postTraining),
  };
}

function sideCounts(c: Confusion, postTraining: boolean): SideCounts {
  return {
    rows: c.tp + c.fp + c.fn + c.tn,
    labelPositive: c.tp + c.fn,
    ...(postTraining && {
      predictedPositive: c.tp + c.fp,
      confusion: { tp: c.tp, fp: c.fp, fn: c.fn, tn: c.tn },
    }),
  };
}
