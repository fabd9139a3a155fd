/**
 * The bias metrics Clarify reports, under the codes and descriptions analysis.json uses.
 * Clarify lists the metrics of a stage sorted by code, so the arrays below are sorted too.
 * The codes are the project's one list (contracts/metric-codes.ts): a code missing here,
 * or one the list does not know, fails the type check.
 */
import type { POST_TRAINING_METRICS, PRE_TRAINING_METRICS } from "../../contracts/metric-codes.ts";

export type PreTrainingCode = (typeof PRE_TRAINING_METRICS)[number];
export type PostTrainingCode = (typeof POST_TRAINING_METRICS)[number];
export type MetricCode = PreTrainingCode | PostTrainingCode;

export const PRE_TRAINING_DESCRIPTIONS: Readonly<Record<PreTrainingCode, string>> = {
  CDDL: "Conditional Demographic Disparity in Labels (CDDL)",
  CI: "Class Imbalance (CI)",
  DPL: "Difference in Positive Proportions in Labels (DPL)",
  JS: "Jensen-Shannon Divergence (JS)",
  KL: "Kullback-Liebler Divergence (KL)",
  KS: "Kolmogorov-Smirnov Distance (KS)",
  LP: "L-p Norm (LP)",
  TVD: "Total Variation Distance (TVD)",
};

export const POST_TRAINING_DESCRIPTIONS: Readonly<Record<PostTrainingCode, string>> = {
  AD: "Accuracy Difference (AD)",
  CDDPL: "Conditional Demographic Disparity in Predicted Labels (CDDPL)",
  DAR: "Difference in Acceptance Rates (DAR)",
  DCA: "Difference in Conditional Acceptance (DCA)",
  DCR: "Difference in Conditional Rejection (DCR)",
  DI: "Disparate Impact (DI)",
  DPPL: "Difference in Positive Proportions in Predicted Labels (DPPL)",
  DRR: "Difference in Rejection Rates (DRR)",
  FT: "Flip Test (FT)",
  GE: "Generalized Entropy (GE)",
  RD: "Recall Difference (RD)",
  SD: "Specificity Difference (SD)",
  TE: "Treatment Equality (TE)",
};

export const PRE_TRAINING_CODES = Object.keys(PRE_TRAINING_DESCRIPTIONS).sort() as PreTrainingCode[];
export const POST_TRAINING_CODES = Object.keys(POST_TRAINING_DESCRIPTIONS).sort() as PostTrainingCode[];

/** The selected codes of a stage in Clarify's order; `"all"` selects every one. */
export function selectCodes<Code extends string>(
  all: readonly Code[],
  selection: "all" | readonly string[],
): Code[] {
  if (selection === "all") return [...all];
  return all.filter((code) => selection.includes(code));
}
