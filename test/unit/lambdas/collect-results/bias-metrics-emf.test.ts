import { describe, expect, it } from "vitest";
import {
  BIAS_METRICS_NAMESPACE,
  type BiasMetricValues,
  biasMetricDocuments,
  MAX_METRICS_PER_DIRECTIVE,
} from "../../../../lambdas/shared/bias-metrics-emf.ts";

const TIMESTAMP = Date.UTC(2026, 10, 25, 4, 0, 0);

/** The `_aws` block every document of `metrics` must carry, per the EMF specification. */
function metadata(metrics: readonly string[]) {
  return {
    Timestamp: TIMESTAMP,
    CloudWatchMetrics: [
      {
        Namespace: "ClarifyPipeline",
        Dimensions: [["RunName", "Stage", "Facet", "FacetValue"]],
        Metrics: metrics.map((name) => ({ Name: name, Unit: "None" })),
      },
    ],
  };
}

describe("biasMetricDocuments", () => {
  it("writes one EMF document per stage, facet and facet value, each metric code a member", () => {
    // Prepare
    const analysis: BiasMetricValues = {
      pre_training: {
        facets: {
          Sex: [
            {
              valueOrThreshold: "0",
              metrics: [
                { name: "CI", value: 0.25 },
                { name: "DPL", value: -0.1 },
              ],
            },
          ],
        },
      },
      post_training: {
        facets: {
          Sex: [{ valueOrThreshold: "0", metrics: [{ name: "DI", value: 0.9 }] }],
          Age: [{ valueOrThreshold: "[30, 40]", metrics: [{ name: "DI", value: 1.1 }] }],
        },
      },
    };

    // Act
    const { documents, skipped } = biasMetricDocuments(analysis, "credit-model", TIMESTAMP);

    // Assess
    expect(documents).toEqual([
      {
        _aws: metadata(["CI", "DPL"]),
        RunName: "credit-model",
        Stage: "pre_training",
        Facet: "Sex",
        FacetValue: "0",
        CI: 0.25,
        DPL: -0.1,
      },
      {
        _aws: metadata(["DI"]),
        RunName: "credit-model",
        Stage: "post_training",
        Facet: "Sex",
        FacetValue: "0",
        DI: 0.9,
      },
      {
        _aws: metadata(["DI"]),
        RunName: "credit-model",
        Stage: "post_training",
        Facet: "Age",
        FacetValue: "[30, 40]",
        DI: 1.1,
      },
    ]);
    expect(skipped).toEqual([]);
    expect(BIAS_METRICS_NAMESPACE).toBe("ClarifyPipeline");
  });

  it("skips null, infinite and out-of-range values and says why, keeping the finite ones", () => {
    // Prepare
    const analysis: BiasMetricValues = {
      post_training: {
        facets: {
          Sex: [
            {
              valueOrThreshold: "1",
              metrics: [
                { name: "DI", value: Number.POSITIVE_INFINITY },
                { name: "AD", value: null },
                { name: "TE", value: 2 ** 400 },
                { name: "DPPL", value: 0.05 },
              ],
            },
          ],
        },
      },
    };

    // Act
    const { documents, skipped } = biasMetricDocuments(analysis, "run", TIMESTAMP);

    // Assess
    expect(documents).toEqual([
      {
        _aws: metadata(["DPPL"]),
        RunName: "run",
        Stage: "post_training",
        Facet: "Sex",
        FacetValue: "1",
        DPPL: 0.05,
      },
    ]);
    const where = { stage: "post_training", facet: "Sex", facetValue: "1" };
    expect(skipped).toEqual([
      {
        ...where,
        metric: "DI",
        value: Number.POSITIVE_INFINITY,
        reason: "Infinity is not finite; CloudWatch takes finite values only",
      },
      { ...where, metric: "AD", value: null, reason: "no value (null or NaN): Clarify could not compute it" },
      {
        ...where,
        metric: "TE",
        value: 2 ** 400,
        reason: `${2 ** 400} is beyond CloudWatch's range of ±2^360`,
      },
    ]);
  });

  it("writes no document for a facet value whose every value was skipped", () => {
    // Prepare
    const analysis: BiasMetricValues = {
      pre_training: { facets: { Sex: [{ valueOrThreshold: "0", metrics: [{ name: "KS", value: null }] }] } },
    };

    // Act
    const { documents, skipped } = biasMetricDocuments(analysis, "run", TIMESTAMP);

    // Assess
    expect(documents).toEqual([]);
    expect(skipped.map((value) => value.metric)).toEqual(["KS"]);
  });

  it("never lets a metric name overwrite the metadata or a dimension", () => {
    // Prepare
    const analysis: BiasMetricValues = {
      pre_training: {
        facets: {
          Sex: [
            {
              valueOrThreshold: "0",
              metrics: [
                { name: "Facet", value: 1 },
                { name: "_aws", value: 2 },
                { name: "CI", value: 0.1 },
                { name: "CI", value: 0.2 },
              ],
            },
          ],
        },
      },
    };

    // Act
    const { documents, skipped } = biasMetricDocuments(analysis, "run", TIMESTAMP);

    // Assess
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ Facet: "Sex", CI: 0.1, _aws: metadata(["CI"]) });
    expect(skipped.map((value) => [value.metric, value.reason])).toEqual([
      ["Facet", "metric name Facet would overwrite an EMF member of that name"],
      ["_aws", "metric name _aws would overwrite an EMF member of that name"],
      ["CI", "metric CI is reported twice for this facet value; the first is kept"],
    ]);
  });

  it("makes dimension values CloudWatch accepts: ASCII, not blank, at most 1024 characters", () => {
    // Prepare
    const analysis: BiasMetricValues = {
      pre_training: {
        facets: {
          Geschlecht: [
            { valueOrThreshold: "männlich", metrics: [{ name: "CI", value: 0.1 }] },
            { valueOrThreshold: "  ", metrics: [{ name: "CI", value: 0.2 }] },
          ],
          ["x".repeat(2000)]: [{ valueOrThreshold: "1", metrics: [{ name: "CI", value: 0.3 }] }],
        },
      },
    };

    // Act
    const { documents } = biasMetricDocuments(analysis, "modèle", TIMESTAMP);

    // Assess
    expect(documents.map((document) => [document.RunName, document.Facet, document.FacetValue])).toEqual([
      ["mod?le", "Geschlecht", "m?nnlich"],
      ["mod?le", "Geschlecht", "(empty)"],
      ["mod?le", "x".repeat(1024), "1"],
    ]);
  });

  it(`splits a facet value reporting more than ${MAX_METRICS_PER_DIRECTIVE} metrics into several documents`, () => {
    // Prepare
    const metrics = Array.from({ length: 150 }, (_, index) => ({ name: `M${index}`, value: index }));
    const analysis: BiasMetricValues = {
      pre_training: { facets: { Sex: [{ valueOrThreshold: "0", metrics }] } },
    };

    // Act
    const { documents } = biasMetricDocuments(analysis, "run", TIMESTAMP);

    // Assess
    expect(documents.map((document) => document._aws.CloudWatchMetrics[0]?.Metrics.length)).toEqual([
      100, 50,
    ]);
    expect(documents[1]).toMatchObject({ M100: 100, M149: 149, Facet: "Sex" });
    expect(documents[1]).not.toHaveProperty("M99");
  });
});
