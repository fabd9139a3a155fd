import type { PostTrainingCode, PreTrainingCode } from "./catalog.ts";
import { POST_TRAINING_DESCRIPTIONS, PRE_TRAINING_DESCRIPTIONS } from "./catalog.ts";
import { conditionalDemographicDisparity } from "./conditional-demographic-disparity.ts";
import type { FacetSplitCounts } from "./counts.ts";
import { addConfusion } from "./counts.ts";
import { differenceInPositiveProportions, disparateImpact } from "./positive-proportions.ts";
import {
  accuracyDifference,
  differenceInAcceptanceRates,
  differenceInConditionalAcceptance,
  differenceInConditionalRejection,
  differenceInRejectionRates,
  recallDifference,
  specificityDifference,
  treatmentEquality,
} from "./post-training/confusion-rates.ts";
import { generalizedEntropy } from "./post-training/generalized-entropy.ts";
import { classImbalance } from "./pre-training/class-imbalance.ts";
import {
  jensenShannon,
  kolmogorovSmirnov,
  kullbackLeibler,
  lpNorm,
  totalVariationDistance,
} from "./pre-training/label-distribution.ts";

/** One entry of a facet's `metrics` list in analysis.json. */
export interface MetricEntry {
  readonly name: string;
  readonly description: string;
  /** A number, "Infinity"/"-Infinity" (as Clarify writes them), or null when not computable. */
  readonly value: number | string | null;
  /** Why the metric could not be computed. */
  readonly error?: string;
}

export type Compute = (split: FacetSplitCounts) => number;

const PRE_TRAINING: Record<PreTrainingCode, Compute> = {
  CDDL: (s) => conditionalDemographicDisparity(s, "label"),
  CI: classImbalance,
  DPL: (s) => differenceInPositiveProportions(s, "label"),
  JS: jensenShannon,
  KL: kullbackLeibler,
  KS: kolmogorovSmirnov,
  LP: lpNorm,
  TVD: totalVariationDistance,
};

const POST_TRAINING: Record<Exclude<PostTrainingCode, "FT">, Compute> = {
  AD: accuracyDifference,
  CDDPL: (s) => conditionalDemographicDisparity(s, "predicted"),
  DAR: differenceInAcceptanceRates,
  DCA: differenceInConditionalAcceptance,
  DCR: differenceInConditionalRejection,
  DI: disparateImpact,
  DPPL: (s) => differenceInPositiveProportions(s, "predicted"),
  DRR: differenceInRejectionRates,
  GE: (s) => generalizedEntropy(addConfusion(s.a, s.d)),
  RD: recallDifference,
  SD: specificityDifference,
  TE: treatmentEquality,
};

/**
 * The function computing `code` from a split's counts; undefined for FT (it reads the rows'
 * features) and for codes that are not bias metrics. The bootstrap intervals reuse it.
 */
export function countMetric(code: string): Compute | undefined {
  if (Object.hasOwn(PRE_TRAINING, code)) return PRE_TRAINING[code as PreTrainingCode];
  if (Object.hasOwn(POST_TRAINING, code)) return POST_TRAINING[code as Exclude<PostTrainingCode, "FT">];
  return undefined;
}

/**
 * Runs one metric; any failure (a MetricComputationError, FT's input errors, ...) becomes
 * `value: null` plus the reason, never a failed analysis.
 */
function metricEntry(name: string, description: string, compute: () => number): MetricEntry {
  try {
    return { name, description, value: jsonValue(compute()) };
  } catch (error) {
    return { name, description, value: null, error: error instanceof Error ? error.message : String(error) };
  }
}

export function preTrainingEntries(
  split: FacetSplitCounts,
  codes: readonly PreTrainingCode[],
): MetricEntry[] {
  return codes.map((code) =>
    metricEntry(code, PRE_TRAINING_DESCRIPTIONS[code], () => PRE_TRAINING[code](split)),
  );
}

/** Post-training entries; FT needs the feature rows, so its value comes from `flipTest`. */
export function postTrainingEntries(
  split: FacetSplitCounts,
  codes: readonly PostTrainingCode[],
  flipTest: () => number,
): MetricEntry[] {
  return codes.map((code) =>
    metricEntry(
      code,
      POST_TRAINING_DESCRIPTIONS[code],
      code === "FT" ? flipTest : () => POST_TRAINING[code](split),
    ),
  );
}

/** JSON has no Infinity: Clarify writes it as the string "Infinity". */
function jsonValue(value: number): number | string | null {
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (Number.isNaN(value)) return null;
  return value;
}
