import type { AnalysisContext, PredictedLabelReading } from "../../../contracts/analysis-context.ts";

/** A realistic Clarify analysis.json (pre- and post-training, two facets, one null metric) for report tests. */
export const SAMPLE_ANALYSIS: Record<string, unknown> = {
  version: "1.0",
  pre_training_bias_metrics: {
    label: "credit_risk",
    label_value_or_threshold: "1",
    facets: {
      age: [
        {
          value_or_threshold: "(40, 75]",
          metrics: [
            { name: "CI", description: "Class Imbalance (CI)", value: -0.31 },
            { name: "DPL", description: "Difference in Positive Proportions in Labels (DPL)", value: 0.062 },
            { name: "KL", description: "Kullback-Liebler Divergence (KL)", value: 0.0079 },
            { name: "JS", description: "Jensen-Shannon Divergence (JS)", value: 0.002 },
            { name: "LP", description: "L-p Norm (LP)", value: 0.088 },
            { name: "TVD", description: "Total Variation Distance (TVD)", value: 0.062 },
            { name: "KS", description: "Kolmogorov-Smirnov Distance (KS)", value: 0.062 },
            {
              name: "CDDL",
              description: "Conditional Demographic Disparity in Labels (CDDL)",
              value: null,
              error: "Group variable is empty or not provided",
            },
          ],
        },
      ],
    },
  },
  post_training_bias_metrics: {
    label: "credit_risk",
    label_value_or_threshold: "1",
    facets: {
      "<script>alert(1)</script>": [
        {
          value_or_threshold: "female",
          metrics: [
            {
              name: "DPPL",
              description: "Difference in Positive Proportions in Predicted Labels (DPPL)",
              value: 0.12,
            },
            { name: "DI", description: "Disparate Impact (DI)", value: 0.71 },
            { name: "TE", description: "Treatment Equality (TE)", value: 2.5 },
            { name: "FT", description: "Flip Test (FT)", value: -0.04 },
            { name: "GE", description: "Generalized Entropy (GE)", value: 0.09 },
          ],
        },
      ],
    },
  },
};

/** Gates with one breach: DI 0.71 is below min 0.8. */
export const SAMPLE_GATES = {
  CI: { absMax: 0.5 },
  DI: { min: 0.8, max: 1.25 },
  DPPL: { absMax: 0.2 },
  CDDL: { absMax: 0.1 },
};

/** An analysis_context.json (contracts/analysis-context.ts) that matches {@link SAMPLE_ANALYSIS}. */
export const SAMPLE_CONTEXT: AnalysisContext = {
  version: "1",
  dataset: {
    datasetType: "text/csv",
    files: ["credit.csv"],
    rowsRead: 1000,
    rowsSkipped: [{ reason: "label value missing", rows: 12 }],
  },
  label: {
    column: "credit_risk",
    dataType: "categorical",
    why: "a list of values was configured",
    positive: { values: ["1"] },
    topValues: [
      { value: "0", rows: 700 },
      { value: "1", rows: 288 },
    ],
  },
  predictedLabel: {
    column: "prediction",
    dataType: "categorical",
    why: "integers with 0.2% distinct values (< 5%): categorical",
    positive: { values: ["1"] },
    topValues: [
      { value: "0", rows: 640 },
      { value: "1", rows: 348 },
    ],
  },
  facets: [
    {
      column: "age",
      dataType: "continuous",
      why: "integers with 6.1% distinct values (>= 5%): continuous",
      positive: { threshold: 40 },
      topValues: [
        { value: "35", rows: 40 },
        { value: "29", rows: 38 },
      ],
      groups: [
        {
          valueOrThreshold: "(40, 75]",
          facet: { rows: 323, labelPositive: 84 },
          others: { rows: 665, labelPositive: 204 },
        },
      ],
    },
    {
      column: "<script>alert(1)</script>",
      dataType: "categorical",
      why: "text values",
      positive: { values: ["female"] },
      topValues: [
        { value: "male", rows: 680 },
        { value: "female", rows: 308 },
      ],
      groups: [
        {
          valueOrThreshold: "female",
          facet: {
            rows: 308,
            labelPositive: 80,
            predictedPositive: 86,
            confusion: { tp: 60, fp: 26, fn: 20, tn: 202 },
          },
          others: {
            rows: 680,
            labelPositive: 208,
            predictedPositive: 262,
            confusion: { tp: 180, fp: 82, fn: 28, tn: 390 },
          },
        },
      ],
    },
  ],
  warnings: [
    {
      code: "FACET_VALUE_RARE",
      message: 'facet <b>age</b> value "40" holds few rows',
      facet: "age",
      valueOrThreshold: "(40, 75]",
      failsGates: false,
    },
    {
      code: "LABEL_THRESHOLD_DEGENERATE",
      message: "example warning that voids the gates of the whole analysis",
      failsGates: true,
    },
  ],
};

/**
 * Float predictions of an integer label with a threshold: Clarify casts them to the label's
 * int64 (toward zero) before comparing, as the PREDICTED_LABEL_CAST warning says.
 */
export const CAST_PREDICTED_LABEL: PredictedLabelReading = {
  column: "predicted_days_late",
  dataType: "continuous",
  why: "floats with 41% distinct values (>= 5%): continuous",
  positive: { threshold: 30 },
  topValues: [
    { value: "30.9", rows: 12 },
    { value: "12.5", rows: 9 },
  ],
  castTo: "int64",
};
