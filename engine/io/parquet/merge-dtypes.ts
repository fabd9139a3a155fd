/**
 * The dtype the engine writes for a Parquet boolean column holding a null: pandas reads it as
 * `object` (True, False, None), as it reads a string column, but its booleans cast to integers
 * (`astype("int64")`), which smclarify's column typing tries (aggregate/column-typing.ts), so
 * the engine keeps the two apart.
 */
export const BOOLEANS_WITH_NULLS = "object:bool";

/**
 * The dtype of a JSON Lines column of numbers (and nulls) only (io/jsonlines-kinds.ts): the
 * engine types it from the cells' text, the text of the number Python reads, as it types a CSV
 * column; a marker rather than undefined, so that a file of numbers and one of booleans merge to
 * `object` (mergeDtypes), as `pd.concat` gives.
 */
export const JSON_NUMBERS = "json:numbers";

/** A declared dtype as the profiles take it: a JSON Lines column of numbers is typed from its text, as CSV. */
export function profileDtype(dtype: string | undefined): string | undefined {
  return dtype === JSON_NUMBERS ? undefined : dtype;
}

/**
 * One dtype for a column read from several part files, as `pd.concat` gives: equal dtypes stay,
 * integers of different widths become int64, other mixed numbers float64, booleans with and
 * without nulls an object column of booleans, anything else object.
 */
export function mergeDtypes(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  if (a === b) return a;
  // Booleans with and without nulls: an object column of booleans.
  if ((a === "bool" || a === BOOLEANS_WITH_NULLS) && (b === "bool" || b === BOOLEANS_WITH_NULLS)) {
    return BOOLEANS_WITH_NULLS;
  }
  const integer = /^u?int\d+$/;
  const numeric = /^u?int\d+$|^float\d+$/;
  if (integer.test(a) && integer.test(b)) return "int64";
  if (numeric.test(a) && numeric.test(b)) return "float64";
  return "object";
}
