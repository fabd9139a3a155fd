import { describe, expect, it } from "vitest";
import type { FacetSplitCounts } from "../../../engine/metrics/counts.ts";
import {
  differenceInAcceptanceRates,
  specificityDifference,
} from "../../../engine/metrics/post-training/confusion-rates.ts";
import { generalizedEntropy } from "../../../engine/metrics/post-training/generalized-entropy.ts";
import { metricInfo } from "../../../engine/report/metric-catalog.ts";

/**
 * A model that is stricter with the facet: the same recall on both sides, but the others' true
 * negatives are accepted 20 times in 50 and the facet's 5 times in 50. The facet is disadvantaged.
 */
const STRICTER_WITH_FACET: FacetSplitCounts = {
  a: { tp: 40, fn: 10, fp: 20, tn: 30 },
  d: { tp: 40, fn: 10, fp: 5, tn: 45 },
};

describe("metric catalog: which sign disadvantages the facet", () => {
  it("SD: positive, as smclarify's specificity_d − specificity_a is for a model stricter with the facet", () => {
    // Act
    const sd = specificityDifference(STRICTER_WITH_FACET);
    // Assess
    expect(sd).toBeCloseTo(0.3, 12);
    expect(metricInfo("SD").direction).toBe(
      "positive disadvantages the facet (stricter with its true negatives: the others' more often get an undeserved positive prediction)",
    );
  });

  it("DAR: negative, as smclarify's precision_a − precision_d is for a model stricter with the facet", () => {
    // Act
    const dar = differenceInAcceptanceRates(STRICTER_WITH_FACET);
    // Assess
    expect(dar).toBeCloseTo(40 / 60 - 40 / 45, 12);
    expect(dar).toBeLessThan(0);
    expect(metricInfo("DAR").direction).toBe(
      "negative disadvantages the facet (a higher bar: its positive predictions are more often truly positive than the others')",
    );
  });

  it("GE has no upper bound of 0.5: one false positive among false negatives reaches (n − 1) / 2", () => {
    // Act
    const ge = generalizedEntropy({ tp: 0, fn: 2, fp: 1, tn: 0 });
    // Assess
    expect(ge).toBeCloseTo(1, 12);
    expect(metricInfo("GE").max).toBeNull();
  });
});
