/**
 * Python's text of a float, `repr(x)` (which `str(x)` equals since Python 3): the shortest digits
 * that read back as the same value, fixed notation for decimal exponents from -4 to 15 (with `.0`
 * on integral values), otherwise `d.ddde+XX`; `inf`, `-inf`, `nan`, `-0.0`. smclarify's texts
 * are written this way: a facet value or threshold from the config, pandas' interval breaks
 * `(40.0, 75.0]`, a float cell of a Parquet column as pandas reads it. Its reading, Python's
 * `float()` of a text, is python-float.ts.
 */

/**
 * `float64` is a Python float (a double); `float32` a float32 value written with the shortest
 * digits that read back as the same float32, as numpy chooses them (0.1, not the double's
 * 0.10000000149011612), in a Python float's notation.
 */
export type FloatWidth = "float64" | "float32";

export function pythonFloatRepr(value: number, width: FloatWidth = "float64"): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Number.POSITIVE_INFINITY) return "inf";
  if (value === Number.NEGATIVE_INFINITY) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const shortest = width === "float32" ? shortestFloat32(value) : value;
  // Where both write fixed notation (JS from 1e-7 to 1e21, Python from 1e-4 to 1e16), the digits agree.
  const magnitude = Math.abs(shortest);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    const text = String(shortest);
    return Number.isInteger(shortest) ? `${text}.0` : text;
  }
  // Outside that range Python writes d.ddde+XX; toExponential() without an argument gives the
  // shortest digits that identify the value, its exponent without padding.
  const [mantissa = "", exponentText = "0"] = shortest.toExponential().split("e");
  const exponent = Number(exponentText);
  const exponentDigits = String(Math.abs(exponent)).padStart(2, "0");
  return `${mantissa}e${exponent < 0 ? "-" : "+"}${exponentDigits}`;
}

/** The float64 holding the shortest decimal that reads back as the same float32. */
function shortestFloat32(value: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
