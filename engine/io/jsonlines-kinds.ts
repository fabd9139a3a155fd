import { BOOLEANS_WITH_NULLS, JSON_NUMBERS } from "./parquet/merge-dtypes.ts";

/**
 * The kinds of JSON value a JSON Lines column holds, as bits: pandas types the column from them
 * (the Clarify container loads the records parsed by Python's json into a DataFrame), where the
 * cell text alone cannot tell the JSON string "true" from the boolean true, or "01" from 1.
 */
export const KIND_BOOLEAN = 1;
export const KIND_NUMBER = 2;
/** A string, an object or an array: Python objects pandas keeps in an `object` column. */
export const KIND_TEXT = 4;
export const KIND_NULL = 8;

/** The pandas dtype of a column holding `kinds`; undefined for a column of nulls only. */
export function dtypeOfKinds(kinds: number): string | undefined {
  if (kinds & KIND_TEXT) return "object";
  // True and 1 in one column: pandas keeps Python's bools and ints apart, in an object column.
  if (kinds & KIND_BOOLEAN && kinds & KIND_NUMBER) return "object";
  if (kinds & KIND_BOOLEAN) return kinds & KIND_NULL ? BOOLEANS_WITH_NULLS : "bool";
  if (kinds & KIND_NUMBER) return JSON_NUMBERS;
  return undefined;
}
