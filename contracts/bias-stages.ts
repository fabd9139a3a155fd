/** The two bias stages of analysis.json (and of intervals.json, which follows its layout), by their key there. */
export const BIAS_STAGES = {
  pre_training: "pre_training_bias_metrics",
  post_training: "post_training_bias_metrics",
} as const;

export type BiasStage = keyof typeof BIAS_STAGES;
