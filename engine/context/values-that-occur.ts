/**
 * The sentence that points a user from a configured value that matches nothing to the values
 * that do occur: most frequent first, with row counts, and a note when a configured value
 * differs from an occurring one only by case or surrounding spaces (the Adult data writes
 * ` >50K`, with a leading space).
 */

import { configValueText } from "../aggregate/python-float.ts";
import type { ConfigValue } from "../config/analysis-config.ts";

/** How many occurring values the sentence lists before "and N more". */
const LISTED_VALUES = 10;

export interface ValueCount {
  readonly value: string;
  readonly rows: number;
}

/**
 * @param configured the values of the config that matched no row
 * @param occurring the column's values, most frequent first
 * @param distinct how many distinct values the column has (occurring may be truncated)
 */
export function valuesThatOccur(
  configured: readonly ConfigValue[],
  occurring: readonly ValueCount[],
  distinct: number,
): string {
  if (occurring.length === 0) {
    return distinct > 0
      ? `the column has more than ${distinct} distinct values, too many to list`
      : "no value occurs in the analysed rows";
  }
  const listed = occurring
    .slice(0, LISTED_VALUES)
    .map((v) => `${JSON.stringify(v.value)} (${v.rows} ${v.rows === 1 ? "row" : "rows"})`);
  const more = distinct > listed.length ? `, and ${distinct - listed.length} more` : "";
  const hints = configured.flatMap((value) => nearMisses(configValueText(value), occurring));
  return `the values that occur are ${listed.join(", ")}${more}${hints.length > 0 ? `; ${hints.join("; ")}` : ""}`;
}

function nearMisses(configured: string, occurring: readonly ValueCount[]): string[] {
  const hints: string[] = [];
  for (const { value } of occurring) {
    if (value === configured) continue;
    const sameTrimmed = value.trim() === configured.trim();
    const sameFolded = value.trim().toLowerCase() === configured.trim().toLowerCase();
    if (!sameFolded) continue;
    const spaces = value.trim() !== value || configured.trim() !== configured;
    const caseDiffers = !sameTrimmed;
    const how =
      caseDiffers && spaces ? "case and surrounding spaces" : caseDiffers ? "case" : "surrounding spaces";
    hints.push(`${JSON.stringify(configured)} differs from ${JSON.stringify(value)} only by ${how}`);
  }
  return hints;
}
