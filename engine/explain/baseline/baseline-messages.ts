import { parseNumberText } from "../../io/parse-number.ts";

/**
 * How a given baseline's cell is refused when it does not fit the dataset's feature, worded
 * once for one instance (run-explanations.ts) and for the merge of several instances'
 * explanations (merge/merge-shap.ts), which must refuse with one instance's very words.
 */

/** A text cell of a text feature that the dataset never holds. */
export function notACategory(at: string, cell: string | number, feature: string): string {
  return `${at}: ${JSON.stringify(cell)} ${categoryRule(feature)}`;
}

/** A text cell of a feature whose column holds only numbers. */
export function notANumber(at: string, cell: string | number, feature: string): string {
  return `${at}: ${JSON.stringify(cell)} ${numberRule(feature)}`;
}

/**
 * One instance's refusal of the cell that `refusal` (a `notACategory` message) refuses, had
 * `feature`'s column held numbers alone in the whole dataset: its `notANumber` message for a
 * text cell, null for a number (one instance takes it as it is); undefined when `refusal` is
 * about another feature.
 */
export function asNumericRefusal(refusal: string, feature: string): string | null | undefined {
  const rule = ` ${categoryRule(feature)}`;
  if (!refusal.endsWith(rule)) return undefined;
  const head = refusal.slice(0, refusal.length - rule.length);
  const cellAt = /\[\d+\]\[\d+\]: /.exec(head);
  if (cellAt === null) return undefined;
  const at = head.slice(0, cellAt.index + cellAt[0].length - 2);
  const cell = JSON.parse(head.slice(cellAt.index + cellAt[0].length)) as string | number;
  return isTextCell(cell) ? notANumber(at, cell, feature) : null;
}

/**
 * Whether a baseline cell is text that pandas' CSV reader reads as no number (a column it is
 * given for must hold text): `0x10` is text, `inf` a number.
 */
export function isTextCell(cell: string | number): boolean {
  return typeof cell === "string" && Number.isNaN(parseNumberText(cell));
}

function categoryRule(feature: string): string {
  return `is not a category of feature ${JSON.stringify(feature)} in the dataset`;
}

function numberRule(feature: string): string {
  return `is not a number, and feature ${JSON.stringify(feature)} is numeric`;
}
