import type { FacetSplitCounts } from "../counts.ts";
import { divide, rateDifference } from "../divide.ts";
import { requireBothSides } from "../require-both-sides.ts";

/**
 * The post-training metrics that compare one rate of the confusion matrix between the sides.
 * Rates use Clarify's division (x/0 = Infinity, 0/0 = 0), and two infinite rates differ by 0.
 */

/** DCA = c_a − c_d with c = n(1) / n̂(1): observed positives per predicted positive. */
export function differenceInConditionalAcceptance(split: FacetSplitCounts): number {
  requireBothSides(split, "DCO: ");
  const { a, d } = split;
  return rateDifference(divide(a.tp + a.fn, a.tp + a.fp), divide(d.tp + d.fn, d.tp + d.fp));
}

/** DCR = r_d − r_a with r = n(0) / n̂(0): observed negatives per predicted negative. */
export function differenceInConditionalRejection(split: FacetSplitCounts): number {
  requireBothSides(split, "DCO: ");
  const { a, d } = split;
  return rateDifference(divide(d.fp + d.tn, d.fn + d.tn), divide(a.fp + a.tn, a.fn + a.tn));
}

/** DAR = TP_a / n̂_a(1) − TP_d / n̂_d(1): precision difference. */
export function differenceInAcceptanceRates(split: FacetSplitCounts): number {
  requireBothSides(split, "DLR: ");
  const { a, d } = split;
  return rateDifference(divide(a.tp, a.tp + a.fp), divide(d.tp, d.tp + d.fp));
}

/** DRR = TN_d / n̂_d(0) − TN_a / n̂_a(0). */
export function differenceInRejectionRates(split: FacetSplitCounts): number {
  requireBothSides(split, "DLR: ");
  const { a, d } = split;
  return rateDifference(divide(d.tn, d.tn + d.fn), divide(a.tn, a.tn + a.fn));
}

/** RD = recall_a − recall_d with recall = TP / (TP + FN). */
export function recallDifference(split: FacetSplitCounts): number {
  requireBothSides(split, "DLA: ");
  const { a, d } = split;
  return rateDifference(divide(a.tp, a.tp + a.fn), divide(d.tp, d.tp + d.fn));
}

/** SD = specificity_d − specificity_a with specificity = TN / (TN + FP). */
export function specificityDifference(split: FacetSplitCounts): number {
  requireBothSides(split, "DLA: ");
  const { a, d } = split;
  return rateDifference(divide(d.tn, d.tn + d.fp), divide(a.tn, a.tn + a.fp));
}

/** AD = accuracy_a − accuracy_d. */
export function accuracyDifference(split: FacetSplitCounts): number {
  requireBothSides(split);
  const { a, d } = split;
  return rateDifference(
    divide(a.tp + a.tn, a.tp + a.tn + a.fp + a.fn),
    divide(d.tp + d.tn, d.tp + d.tn + d.fp + d.fn),
  );
}

/** TE = FN_d / FP_d − FN_a / FP_a (treatment equality). */
export function treatmentEquality(split: FacetSplitCounts): number {
  requireBothSides(split);
  const { a, d } = split;
  return rateDifference(divide(d.fn, d.fp), divide(a.fn, a.fp));
}
