/**
 * What the report needs to know about each Clarify bias metric: its long name, what it measures,
 * the value that means "no bias", the range its values can take, which sign disadvantages the
 * facet, and its page in the SageMaker Clarify documentation. `null` bounds are unbounded.
 *
 * Signs follow Clarify's convention: the facet value analysed is the group `d`, all other rows
 * are `a`, and the positive label is the favourable outcome (a loan granted, income above a
 * line). Formulas are the ones the engine computes (engine/metrics), which follow smclarify.
 */
import type { MetricCode } from "../metrics/catalog.ts";

/** A rule of thumb a data scientist applies when no gate is set: a value outside it deserves a look. */
export interface Guidance {
  /** Lowest value the rule of thumb accepts, or null. */
  readonly low: number | null;
  /** Highest value the rule of thumb accepts, or null. */
  readonly high: number | null;
  /** Where the rule comes from, in a few words. */
  readonly rule: string;
}

export interface MetricInfo {
  /** Clarify's long name. */
  readonly name: string;
  /** The value of a perfectly unbiased facet: 0 for differences and divergences, 1 for DI (a ratio). */
  readonly ideal: number;
  /** Lowest possible value, or null when unbounded. */
  readonly min: number | null;
  /** Highest possible value, or null when unbounded. */
  readonly max: number | null;
  /** What the metric measures, one sentence. */
  readonly measures: string;
  /** Which values disadvantage the facet (or why the metric has no direction). */
  readonly direction: string;
  /** The metric's page in the SageMaker Clarify documentation; absent for unknown codes. */
  readonly docsUrl?: string;
  /** Absent when no rule of thumb applies (the scale depends on the data). */
  readonly guidance?: Guidance;
}

const DOCS = "https://docs.aws.amazon.com/sagemaker/latest/dg/";

const signedUnit = { ideal: 0, min: -1, max: 1 } as const;
const unbounded = { ideal: 0, min: null, max: null } as const;

/** A gap of more than 10 percentage points between two rates is the usual threshold for a closer look. */
const TEN_POINTS: Guidance = { low: -0.1, high: 0.1, rule: "a gap above 10 percentage points" };
const DIVERGENCE_NO_SIGN = "no sign: larger means the two label distributions differ more";

const METRIC_CATALOG: Readonly<Record<MetricCode, MetricInfo>> = {
  // Pre-training
  CI: {
    name: "Class Imbalance",
    ...signedUnit,
    measures: "how much smaller the facet group is than all other rows: (n_a − n_d) / (n_a + n_d)",
    direction: "positive: the facet has fewer rows than the others (1: no rows at all)",
    docsUrl: `${DOCS}clarify-bias-metric-class-imbalance.html`,
    guidance: { low: -0.5, high: 0.5, rule: "one group at least 3 times the size of the other" },
  },
  DPL: {
    name: "Difference in Positive Proportions in Labels",
    ...signedUnit,
    measures: "the share of positive labels among the others minus that of the facet: q_a − q_d",
    direction: "positive disadvantages the facet (fewer positive labels)",
    docsUrl: `${DOCS}clarify-data-bias-metric-true-label-imbalance.html`,
    guidance: TEN_POINTS,
  },
  KL: {
    name: "Kullback-Leibler Divergence",
    ideal: 0,
    min: 0,
    max: null,
    measures: "how far the others' label distribution diverges from the facet's",
    direction: DIVERGENCE_NO_SIGN,
    docsUrl: `${DOCS}clarify-data-bias-metric-kl-divergence.html`,
  },
  JS: {
    name: "Jensen-Shannon Divergence",
    ideal: 0,
    min: 0,
    max: Math.LN2,
    measures: "a symmetric divergence between the label distributions of the facet and the others",
    direction: DIVERGENCE_NO_SIGN,
    docsUrl: `${DOCS}clarify-data-bias-metric-jensen-shannon-divergence.html`,
  },
  LP: {
    name: "Lp-norm",
    ideal: 0,
    min: 0,
    max: Math.SQRT2,
    measures: "the Euclidean (p = 2) distance between the label distributions of the facet and the others",
    direction: DIVERGENCE_NO_SIGN,
    docsUrl: `${DOCS}clarify-data-bias-metric-lp-norm.html`,
  },
  TVD: {
    name: "Total Variation Distance",
    ideal: 0,
    min: 0,
    max: 1,
    measures: "half the L1 distance between the label distributions of the facet and the others",
    direction: DIVERGENCE_NO_SIGN,
    docsUrl: `${DOCS}clarify-data-bias-metric-total-variation-distance.html`,
    guidance: { low: null, high: 0.1, rule: "a gap above 10 percentage points" },
  },
  KS: {
    name: "Kolmogorov-Smirnov",
    ideal: 0,
    min: 0,
    max: 1,
    measures: "the largest gap between the label distributions of the facet and the others",
    direction: DIVERGENCE_NO_SIGN,
    docsUrl: `${DOCS}clarify-data-bias-metric-kolmogorov-smirnov.html`,
    guidance: { low: null, high: 0.1, rule: "a gap above 10 percentage points" },
  },
  CDDL: {
    name: "Conditional Demographic Disparity in Labels",
    ...signedUnit,
    measures:
      "within each group of the group variable, the facet's share of all negative labels minus its share of all positive labels, averaged by group size",
    direction: "positive disadvantages the facet (more of the rejections than of the acceptances)",
    docsUrl: `${DOCS}clarify-data-bias-metric-cddl.html`,
    guidance: TEN_POINTS,
  },
  // Post-training
  DPPL: {
    name: "Difference in Positive Proportions in Predicted Labels",
    ...signedUnit,
    measures: "the share of positive predictions among the others minus that of the facet: q̂_a − q̂_d",
    direction: "positive disadvantages the facet (fewer positive predictions)",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-dppl.html`,
    guidance: TEN_POINTS,
  },
  DI: {
    name: "Disparate Impact",
    ideal: 1,
    min: 0,
    max: null,
    measures: "the facet's share of positive predictions divided by the others': q̂_d / q̂_a",
    direction: "below 1 disadvantages the facet; above 1 favours it",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-di.html`,
    guidance: { low: 0.8, high: 1.25, rule: "the four-fifths rule" },
  },
  DCA: {
    name: "Difference in Conditional Acceptance",
    ...unbounded,
    measures: "observed positives per predicted positive, others minus facet: c_a − c_d with c = n(1) / n̂(1)",
    direction: "negative disadvantages the facet (fewer acceptances than its labels warrant)",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-dcacc.html`,
  },
  DCR: {
    name: "Difference in Conditional Rejection",
    ...unbounded,
    measures: "observed negatives per predicted negative, facet minus others: r_d − r_a with r = n(0) / n̂(0)",
    direction: "negative disadvantages the facet (more rejections than its labels warrant)",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-dcr.html`,
  },
  RD: {
    name: "Recall Difference",
    ...signedUnit,
    measures: "the others' recall minus the facet's, recall = TP / (TP + FN)",
    direction: "positive disadvantages the facet (more of its positives are missed)",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-rd.html`,
    guidance: TEN_POINTS,
  },
  SD: {
    name: "Specificity Difference",
    ...signedUnit,
    measures: "the facet's specificity minus the others', specificity = TN / (TN + FP)",
    direction:
      "positive disadvantages the facet (stricter with its true negatives: the others' more often get an undeserved positive prediction)",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-sd.html`,
    guidance: TEN_POINTS,
  },
  DAR: {
    name: "Difference in Acceptance Rates",
    ...signedUnit,
    measures: "the others' precision minus the facet's, precision = TP / (TP + FP)",
    direction:
      "negative disadvantages the facet (a higher bar: its positive predictions are more often truly positive than the others')",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-dar.html`,
    guidance: TEN_POINTS,
  },
  DRR: {
    name: "Difference in Rejection Rates",
    ...signedUnit,
    measures: "the facet's share of correct rejections minus the others': TN / (TN + FN)",
    direction: "negative disadvantages the facet (more of its rejections are wrong)",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-drr.html`,
    guidance: TEN_POINTS,
  },
  AD: {
    name: "Accuracy Difference",
    ...signedUnit,
    measures: "the others' accuracy minus the facet's",
    direction: "positive disadvantages the facet (the model is less accurate for it)",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-ad.html`,
    guidance: TEN_POINTS,
  },
  CDDPL: {
    name: "Conditional Demographic Disparity in Predicted Labels",
    ...signedUnit,
    measures:
      "as CDDL on predicted labels: within each group of the group variable, the facet's share of all negative predictions minus its share of all positive predictions",
    direction: "positive disadvantages the facet",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-cddpl.html`,
    guidance: TEN_POINTS,
  },
  TE: {
    name: "Treatment Equality",
    ...unbounded,
    measures: "false negatives per false positive, facet minus others: FN_d / FP_d − FN_a / FP_a",
    direction: "positive disadvantages the facet (its errors lean to wrong rejections)",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-te.html`,
  },
  FT: {
    name: "Flip Test",
    ...signedUnit,
    measures:
      "how often the facet's prediction differs from that of its nearest neighbours among the others, (F+ − F−) / n_d",
    direction: "negative disadvantages the facet (rejected where similar others are accepted)",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-ft.html`,
    guidance: TEN_POINTS,
  },
  GE: {
    name: "Generalized Entropy",
    ideal: 0,
    min: 0,
    // Not 0.5: with mostly false negatives and a few false positives it reaches (n − 1) / 2.
    max: null,
    measures: "how unequally the model's benefit (ŷ − y + 1) is spread over all rows, α = 2",
    direction: "no sign and no facet: computed over the whole dataset, larger is more unequal",
    docsUrl: `${DOCS}clarify-post-training-bias-metric-ge.html`,
  },
};

/**
 * Metrics the catalog does not know are drawn around 0 on an open scale. Only the catalog's own
 * keys count: a metric named `constructor` is unknown, not Object's constructor.
 */
export function metricInfo(code: string): MetricInfo {
  return Object.hasOwn(METRIC_CATALOG, code)
    ? METRIC_CATALOG[code as MetricCode]
    : {
        name: code,
        ...unbounded,
        measures: "a metric this report does not know",
        direction: "see the analysis that produced it",
      };
}

/** `−1 to 1`, `0 to ∞`, `−∞ to ∞`: a metric's range in words. */
export function describeRange(info: MetricInfo): string {
  const low = info.min === null ? "−∞" : formatBound(info.min);
  const high = info.max === null ? "∞" : formatBound(info.max);
  return `${low} to ${high}`;
}

function formatBound(value: number): string {
  if (value === Math.LN2) return "ln 2";
  if (value === Math.SQRT2) return "√2";
  return String(value).replace("-", "−");
}
