/** Clarify's bias metric codes, per analysis stage (the `methods` lists and the gate keys). */

/** Pre-training (data) bias metrics. */
export const PRE_TRAINING_METRICS = ["CI", "DPL", "KL", "JS", "LP", "TVD", "KS", "CDDL"] as const;

/** Post-training (model) bias metrics. */
export const POST_TRAINING_METRICS = [
  "DPPL",
  "DI",
  "DCA",
  "DCR",
  "RD",
  "DAR",
  "DRR",
  "AD",
  "CDDPL",
  "TE",
  "FT",
  "SD",
  "GE",
] as const;

export const ALL_METRICS: readonly string[] = [...PRE_TRAINING_METRICS, ...POST_TRAINING_METRICS];
