/** A realistic Clarify analysis.json (pre- and post-training, two facets, one null metric) for report tests. */
export const SAMPLE_ANALYSIS: Record<string, unknown> = {
  version: "1.0",
  pre_training_bias_metrics: {
    label: "credit_risk",
    label_value_or_threshold: "1",
    facets: {
      age: [
        {
          value_or_threshold: "40",
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
