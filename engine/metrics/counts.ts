/**
 * Everything a bias metric needs, as counts: the engine never keeps rows, only how many rows
 * fall in each cell of (facet side × group × true label × predicted label).
 */

/** Row counts of one subset by true label and predicted label (pre-training: predictions all 0). */
export interface Confusion {
  /** label positive, predicted positive */
  readonly tp: number;
  /** label negative, predicted positive */
  readonly fp: number;
  /** label positive, predicted negative */
  readonly fn: number;
  /** label negative, predicted negative */
  readonly tn: number;
}

/** One facet split: the sensitive side (`d`, "disadvantaged") against the rest (`a`). */
export interface FacetSplitCounts {
  readonly d: Confusion;
  readonly a: Confusion;
  /** Per value of `group_variable`, when one is configured (CDDL, CDDPL). */
  readonly groups?: readonly { readonly d: Confusion; readonly a: Confusion }[];
}

/** Which column a metric reads as "positive": the true label or the predicted label. */
export type Outcome = "label" | "predicted";

export function rows(c: Confusion): number {
  return c.tp + c.fp + c.fn + c.tn;
}

export function positives(c: Confusion, outcome: Outcome): number {
  return outcome === "label" ? c.tp + c.fn : c.tp + c.fp;
}

export function negatives(c: Confusion, outcome: Outcome): number {
  return outcome === "label" ? c.fp + c.tn : c.fn + c.tn;
}

export function addConfusion(x: Confusion, y: Confusion): Confusion {
  return { tp: x.tp + y.tp, fp: x.fp + y.fp, fn: x.fn + y.fn, tn: x.tn + y.tn };
}
