/**
 * One dtype for a column read from several part files, as `pd.concat` gives: equal dtypes stay,
 * integers of different widths become int64, other mixed numbers float64, anything else object.
 */
export function mergeDtypes(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  if (a === b) return a;
  const integer = /^u?int\d+$/;
  const numeric = /^u?int\d+$|^float\d+$/;
  if (integer.test(a) && integer.test(b)) return "int64";
  if (numeric.test(a) && numeric.test(b)) return "float64";
  return "object";
}
