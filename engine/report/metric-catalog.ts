/**
 * What the report needs to know about each Clarify bias metric: its long name, the value that
 * means "no bias", and the range its values can take (from the Clarify documentation's metric
 * pages). `null` bounds are unbounded.
 */
import type { MetricCode } from "../metrics/catalog.ts";

export interface MetricInfo {
  /** Clarify's long name. */
  readonly name: string;
  /** The value of a perfectly unbiased facet: 0 for differences and divergences, 1 for DI (a ratio). */
  readonly ideal: number;
  /** Lowest possible value, or null when unbounded. */
  readonly min: number | null;
  /** Highest possible value, or null when unbounded. */
  readonly max: number | null;
}

const signedUnit = { ideal: 0, min: -1, max: 1 } as const;
const unsigned = { ideal: 0, min: 0, max: null } as const;
const unbounded = { ideal: 0, min: null, max: null } as const;

const METRIC_CATALOG: Readonly<Record<MetricCode, MetricInfo>> = {
  // Pre-training
  CI: { name: "Class Imbalance", ...signedUnit },
  DPL: { name: "Difference in Positive Proportions in Labels", ...signedUnit },
  KL: { name: "Kullback-Leibler Divergence", ...unsigned },
  JS: { name: "Jensen-Shannon Divergence", ideal: 0, min: 0, max: Math.LN2 },
  LP: { name: "Lp-norm", ...unsigned },
  TVD: { name: "Total Variation Distance", ideal: 0, min: 0, max: 1 },
  KS: { name: "Kolmogorov-Smirnov", ideal: 0, min: 0, max: 1 },
  CDDL: { name: "Conditional Demographic Disparity in Labels", ...signedUnit },
  // Post-training
  DPPL: { name: "Difference in Positive Proportions in Predicted Labels", ...signedUnit },
  DI: { name: "Disparate Impact", ideal: 1, min: 0, max: null },
  DCA: { name: "Difference in Conditional Acceptance", ...unbounded },
  DCR: { name: "Difference in Conditional Rejection", ...unbounded },
  RD: { name: "Recall Difference", ...signedUnit },
  SD: { name: "Specificity Difference", ...signedUnit },
  DAR: { name: "Difference in Acceptance Rates", ...signedUnit },
  DRR: { name: "Difference in Rejection Rates", ...signedUnit },
  AD: { name: "Accuracy Difference", ...signedUnit },
  CDDPL: { name: "Conditional Demographic Disparity in Predicted Labels", ...signedUnit },
  TE: { name: "Treatment Equality", ...unbounded },
  FT: { name: "Flip Test", ...signedUnit },
  GE: { name: "Generalized Entropy", ideal: 0, min: 0, max: 0.5 },
};

/**
 * Metrics the catalog does not know are drawn around 0 on an open scale. Only the catalog's own
 * keys count: a metric named `constructor` is unknown, not Object's constructor.
 */
export function metricInfo(code: string): MetricInfo {
  return Object.hasOwn(METRIC_CATALOG, code)
    ? METRIC_CATALOG[code as MetricCode]
    : { name: code, ...unbounded };
}
