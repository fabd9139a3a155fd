import { describe, expect, it } from "vitest";
import { conditionalDemographicDisparity } from "../../../engine/metrics/conditional-demographic-disparity.ts";
import type { FacetSplitCounts } from "../../../engine/metrics/counts.ts";
import { postTrainingEntries, preTrainingEntries } from "../../../engine/metrics/evaluate-metrics.ts";
import {
  differenceInPositiveProportions,
  disparateImpact,
} from "../../../engine/metrics/positive-proportions.ts";
import * as rates from "../../../engine/metrics/post-training/confusion-rates.ts";
import { generalizedEntropy } from "../../../engine/metrics/post-training/generalized-entropy.ts";
import { classImbalance } from "../../../engine/metrics/pre-training/class-imbalance.ts";
import * as distribution from "../../../engine/metrics/pre-training/label-distribution.ts";

/**
 * The five-row table used throughout (y = label, ŷ = prediction, g = group):
 *   sex age y ŷ g
 *   F   30  1 1 a    d: tp
 *   F   40  0 1 a    d: fp
 *   M   50  1 1 b    a: tp
 *   M   20  0 0 b    a: tn
 *   M   35  1 0 a    a: fn
 * Facet sex = F is the sensitive side d; M is a.
 */
const split: FacetSplitCounts = {
  d: { tp: 1, fp: 1, fn: 0, tn: 0 },
  a: { tp: 1, fp: 0, fn: 1, tn: 1 },
  groups: [
    { d: { tp: 1, fp: 1, fn: 0, tn: 0 }, a: { tp: 0, fp: 0, fn: 1, tn: 0 } },
    { d: { tp: 0, fp: 0, fn: 0, tn: 0 }, a: { tp: 1, fp: 0, fn: 0, tn: 1 } },
  ],
};
const emptyFacet: FacetSplitCounts = { d: { tp: 0, fp: 0, fn: 0, tn: 0 }, a: split.a };

describe("pre-training metrics", () => {
  it("CI = (na - nd) / (na + nd)", () => {
    // Prepare: na = 3, nd = 2
    // Act
    const ci = classImbalance(split);
    // Assess: (3 - 2) / 5 = 0.2
    expect(ci).toBeCloseTo(0.2, 12);
  });

  it("CI reports an empty facet instead of a number", () => {
    // Prepare: no row has the facet value
    // Act
    const entries = preTrainingEntries(emptyFacet, ["CI"]);
    // Assess
    expect(entries[0]).toMatchObject({
      name: "CI",
      value: null,
      error: expect.stringContaining("facet set is empty"),
    });
  });

  it("DPL = qa - qd on labels", () => {
    // Prepare: qa = 2/3 (M50, M35 positive), qd = 1/2 (F30)
    // Act
    const dpl = differenceInPositiveProportions(split, "label");
    // Assess: 2/3 - 1/2 = 1/6
    expect(dpl).toBeCloseTo(1 / 6, 12);
  });

  it("KL, JS, LP, TVD, KS compare the label distributions", () => {
    // Prepare: Pa = [1/3, 2/3] (negative, positive), Pd = [1/2, 1/2], P = [5/12, 7/12]
    const kl = (1 / 3) * Math.log(2 / 3) + (2 / 3) * Math.log(4 / 3);
    const js =
      0.5 *
      ((1 / 3) * Math.log(1 / 3 / (5 / 12)) +
        (2 / 3) * Math.log(2 / 3 / (7 / 12)) +
        0.5 * Math.log(0.5 / (5 / 12)) +
        0.5 * Math.log(0.5 / (7 / 12)));
    // Act
    const values = {
      kl: distribution.kullbackLeibler(split),
      js: distribution.jensenShannon(split),
      lp: distribution.lpNorm(split),
      tvd: distribution.totalVariationDistance(split),
      ks: distribution.kolmogorovSmirnov(split),
    };
    // Assess: |Pa - Pd| = [1/6, 1/6]: LP = √2/6, TVD = ½(1/6 + 1/6) = 1/6, KS = 1/6
    expect(values.kl).toBeCloseTo(kl, 12);
    expect(values.js).toBeCloseTo(js, 12);
    expect(values.lp).toBeCloseTo(Math.SQRT2 / 6, 12);
    expect(values.tvd).toBeCloseTo(1 / 6, 12);
    expect(values.ks).toBeCloseTo(1 / 6, 12);
  });

  it("KL keeps only outcomes present on both sides, without renormalising", () => {
    // Prepare: d all positive: Pd = [0, 1]; Pa = [1/3, 2/3] → only the positive outcome is kept
    const onlyPositive: FacetSplitCounts = { d: { tp: 2, fp: 0, fn: 0, tn: 0 }, a: split.a };
    // Act
    const kl = distribution.kullbackLeibler(onlyPositive);
    // Assess: 2/3 · ln((2/3) / 1)
    expect(kl).toBeCloseTo((2 / 3) * Math.log(2 / 3), 12);
  });

  it("KL fails on an empty facet with Clarify's message", () => {
    // Prepare / Act
    const entries = preTrainingEntries(emptyFacet, ["KL"]);
    // Assess
    expect(entries[0]?.error).toBe("No instance of common facet found, dataset may be too small");
  });

  it("CDDL weights each group's demographic disparity by its size", () => {
    // Prepare: group a (3 rows): positives F30, M35 → A = 1/2; negatives F40 → D = 1; DD = 1/2
    //          group b (2 rows): positives M50 → A = 0; negatives M20 → D = 0; DD = 0
    // Act
    const cddl = conditionalDemographicDisparity(split, "label");
    // Assess: (3 · 1/2 + 2 · 0) / 5 = 0.3
    expect(cddl).toBeCloseTo(0.3, 12);
  });

  it("CDDL without group_variable is an error entry", () => {
    // Prepare
    const { groups: _ignored, ...noGroups } = split;
    // Act
    const entries = preTrainingEntries(noGroups, ["CDDL"]);
    // Assess
    expect(entries[0]).toMatchObject({ value: null, error: "Group variable is empty or not provided" });
  });
});

describe("post-training metrics", () => {
  it("DPPL and DI compare predicted positive proportions", () => {
    // Prepare: q̂a = 1/3 (M50), q̂d = 2/2
    // Act
    const dppl = differenceInPositiveProportions(split, "predicted");
    const di = disparateImpact(split);
    // Assess: DPPL = 1/3 - 1 = -2/3; DI = 1 / (1/3) = 3
    expect(dppl).toBeCloseTo(-2 / 3, 12);
    expect(di).toBeCloseTo(3, 12);
  });

  it("DCA, DCR, DAR, DRR, RD, SD, AD, TE follow the confusion counts", () => {
    // Prepare: a = {tp 1, fp 0, fn 1, tn 1}, d = {tp 1, fp 1, fn 0, tn 0}
    // Act
    const values = {
      dca: rates.differenceInConditionalAcceptance(split),
      dcr: rates.differenceInConditionalRejection(split),
      dar: rates.differenceInAcceptanceRates(split),
      drr: rates.differenceInRejectionRates(split),
      rd: rates.recallDifference(split),
      sd: rates.specificityDifference(split),
      ad: rates.accuracyDifference(split),
      te: rates.treatmentEquality(split),
    };
    // Assess
    expect(values.dca).toBeCloseTo(1.5, 12); // ca = 2/1, cd = 1/2
    expect(values.dcr).toBe(Number.POSITIVE_INFINITY); // rd = 1/0, ra = 1/2
    expect(values.dar).toBeCloseTo(0.5, 12); // 1/1 - 1/2
    expect(values.drr).toBeCloseTo(-0.5, 12); // d: 0/0 = 0; a: 1/2
    expect(values.rd).toBeCloseTo(-0.5, 12); // 1/2 - 1/1
    expect(values.sd).toBeCloseTo(-1, 12); // 0/1 - 1/1
    expect(values.ad).toBeCloseTo(1 / 6, 12); // 2/3 - 1/2
    expect(values.te).toBe(Number.NEGATIVE_INFINITY); // 0/1 - 1/0
  });

  it("two infinite rates differ by 0, as in Clarify", () => {
    // Prepare: no predicted negatives on either side → both rejection rates are n/0 = Infinity
    const allPredictedPositive: FacetSplitCounts = {
      d: { tp: 1, fp: 1, fn: 0, tn: 0 },
      a: { tp: 2, fp: 1, fn: 0, tn: 0 },
    };
    // Act
    const dcr = rates.differenceInConditionalRejection(allPredictedPositive);
    // Assess
    expect(dcr).toBe(0);
  });

  it("GE (α = 2) needs only the benefit counts", () => {
    // Prepare: b = ŷ - y + 1: FN → 0 (1 row), TP/TN → 1 (3 rows), FP → 2 (1 row); mean b = 5/5 = 1
    // Act
    const ge = generalizedEntropy({ tp: 2, fp: 1, fn: 1, tn: 1 });
    // Assess: (1·(0 - 1) + 3·(1 - 1) + 1·(4 - 1)) / (5 · 2 · 1) = 0.2
    expect(ge).toBeCloseTo(0.2, 12);
  });

  it("GE refuses a dataset of false negatives only", () => {
    // Prepare / Act
    const entries = postTrainingEntries(
      { d: { tp: 0, fp: 0, fn: 2, tn: 0 }, a: { tp: 0, fp: 0, fn: 1, tn: 0 } },
      ["GE"],
      () => 0,
    );
    // Assess
    expect(entries[0]?.error).toContain("All predicted labels are false negatives");
  });

  it("CDDPL uses predicted labels", () => {
    // Prepare: group a: predicted positives F30, F40 (both d) → A = 1; negatives M35 → D = 0; DD = -1
    //          group b: predicted positives M50 → A = 0; negatives M20 → D = 0
    // Act
    const cddpl = conditionalDemographicDisparity(split, "predicted");
    // Assess: 3 · (-1) / 5
    expect(cddpl).toBeCloseTo(-0.6, 12);
  });

  it('writes infinite values as Clarify\'s "Infinity" strings and orders entries by code', () => {
    // Prepare / Act
    const entries = postTrainingEntries(split, ["DCR", "TE"], () => 0);
    // Assess
    expect(entries.map((e) => [e.name, e.value])).toEqual([
      ["DCR", "Infinity"],
      ["TE", "-Infinity"],
    ]);
  });

  it("a failing Flip Test becomes an error entry, not a failed analysis", () => {
    // Prepare
    const failing = () => {
      throw new Error("FlipTest does not support non-numeric columns");
    };
    // Act
    const entries = postTrainingEntries(split, ["FT"], failing);
    // Assess
    expect(entries[0]).toEqual({
      name: "FT",
      description: "Flip Test (FT)",
      value: null,
      error: "FlipTest does not support non-numeric columns",
    });
  });
});
