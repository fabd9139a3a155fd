import { BOOLEANS_WITH_NULLS } from "./parquet/merge-dtypes.ts";

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

/**
 * The dtype of a column of numbers (and nulls) only: the engine types it from the cells' text,
 * which is the text of the number Python reads (jsonlines-reader.ts), as it types a CSV column;
 * a marker rather than undefined, so that a file of numbers and one of booleans merge to
 * `object` (merge-dtypes.ts), as `pd.concat` gives.
 */
export const JSON_NUMBERS = "json:numbers";

/** The pandas dtype of a column holding `kinds`; undefined for a column of nulls only. */
export function dtypeOfKinds(kinds: number): string | undefined {
  if (kinds & KIND_TEXT) return "object";
  // True and 1 in one column: pandas keeps Python's bools and ints apart, in an object column.
  if (kinds & KIND_BOOLEAN && kinds & KIND_NUMBER) return "object";
  if (kinds & KIND_BOOLEAN) return kinds & KIND_NULL ? BOOLEANS_WITH_NULLS : "bool";
  if (kinds & KIND_NUMBER) return JSON_NUMBERS;
  return undefined;
}

/** A declared dtype as the profiles take it: a JSON Lines column of numbers is typed from its text, as CSV. */
export function profileDtype(dtype: string | undefined): string | undefined {
  return dtype === JSON_NUMBERS ? undefined : dtype;
}
