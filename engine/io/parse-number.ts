/** The last parse's result and whether it was written as an integer (parseNumberInto writes them). */
export const numberParse = { lastWasInteger: false, value: 0 };

/**
 * Parses a CSV cell as a number without creating a string for the common cases
 * (`-12`, `3.25`). Returns NaN for text. `numberParse.lastWasInteger` then tells whether the
 * cell was written as an integer, which decides (as in pandas) whether a column is integer or
 * float.
 */
export function parseNumber(buf: Uint8Array, start: number, end: number): number {
  parseNumberInto(buf, start, end);
  return numberParse.value;
}

/** A cell held as a string (a baseline row): its number by the same grammar, NaN for text. */
export function parseNumberText(text: string): number {
  const bytes = Buffer.from(text, "utf8");
  return parseNumber(bytes, 0, bytes.length);
}

/**
 * Parses a cell into `numberParse.value` (NaN for text). The count loop calls this rather than
 * `parseNumber`: a fractional number returned by a call that is not inlined is boxed on the
 * heap, once per cell; one stored in a field is not.
 */
export function parseNumberInto(buf: Uint8Array, start: number, end: number): void {
  let p = start;
  let negative = false;
  if (p < end && (buf[p] === 0x2d || buf[p] === 0x2b)) {
    negative = buf[p] === 0x2d;
    p++;
  }
  const digitsStart = p;
  // One mantissa over the integer and the fraction digits: at most 15 digits in the integer path,
  // 14 with a point (15 bytes with the sign and the point), so it stays an exact integer.
  let mantissa = 0;
  while (p < end) {
    const d = (buf[p] as number) - 0x30;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    p++;
  }
  if (p === end) {
    if (p > digitsStart && p - digitsStart < 16) {
      numberParse.lastWasInteger = true;
      numberParse.value = negative ? -mantissa : mantissa;
      return;
    }
  } else if (buf[p] === 0x2e) {
    p++;
    const fractionStart = p;
    while (p < end) {
      const d = (buf[p] as number) - 0x30;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      p++;
    }
    if (p === end && p - start < 16 && (p > fractionStart || fractionStart - 1 > digitsStart)) {
      numberParse.lastWasInteger = false;
      // One division of two exact integers is correctly rounded, exactly like Number("1.15").
      const result = mantissa / (POWERS_OF_TEN[p - fractionStart] as number);
      numberParse.value = negative ? -result : result;
      return;
    }
  }
  parseSlow(buf, start, end);
}

/** 10^0 to 10^15, each exact in a double: the fast path's divisors. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * Everything the fast paths leave: spaces, exponents, long numbers, infinities, text. pandas'
 * C reader (default options) reads a cell as a number by its own grammar, not JavaScript's:
 * - float (precise_xstrtod, then `_try_double`): C-locale spaces (space, \t, \n, \v, \f, \r;
 *   not 0xA0) around, an optional sign, digits with an optional `.` (a digit on at least one
 *   side: `5.` and `.5` are numbers, `.` is not), then optionally `e`/`E`, a sign and 1 to 17
 *   digits. Hex, octal, binary, `_` and `Infinity`-with-spaces are text. A decimal exponent
 *   (the written one, plus the integer digits beyond 17, minus the fraction digits read) above
 *   308 or a result that overflows is an error, so `1e999` and `0e400` are text.
 * - failing that, the whole cell `inf`, `infinity`, with an optional sign, in any letter case,
 *   is ±infinity (no spaces allowed there).
 * - integer (str_to_int64, tried first for the column): spaces, an optional sign, digits,
 *   spaces. Beyond int64 pandas tries uint64 (up to 18446744073709551615, non-negative), and a
 *   column whose integers fit neither is left as text (`object`).
 */
const PANDAS_FLOAT = /^[ \t\n\v\f\r]*[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,17}))?[ \t\n\v\f\r]*$/;
const PANDAS_INFINITY = /^([+-]?)inf(?:inity)?$/i;
const PANDAS_INTEGER = /^[ \t\n\v\f\r]*([+-]?)0*(\d+?)[ \t\n\v\f\r]*$/;
/** precise_xstrtod keeps this many significant digits; later ones only move the exponent. */
const MAX_DIGITS = 17;
const INT64_MIN_MAGNITUDE = "9223372036854775808";
const UINT64_MAX = "18446744073709551615";

function parseSlow(buf: Uint8Array, start: number, end: number): void {
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1");
  numberParse.lastWasInteger = false;
  numberParse.value = Number.NaN;
  const infinity = PANDAS_INFINITY.exec(text);
  if (infinity) {
    numberParse.value = infinity[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return;
  }
  const float = PANDAS_FLOAT.exec(text);
  if (!float) return;
  const integerDigits = (float[1] as string).length;
  const fractionDigits = float[2]?.length ?? 0;
  if (integerDigits + fractionDigits === 0) return;
  const integer = PANDAS_INTEGER.exec(text);
  if (integer) {
    if (!integerFits(integer[1] === "-", integer[2] as string)) return;
  } else if (decimalExponent(integerDigits, fractionDigits, float[3]) > 308) return;
  const value = Number(text);
  if (!Number.isFinite(value)) return;
  numberParse.value = value;
  numberParse.lastWasInteger = integer !== null;
}

/**
 * Whether pandas keeps an integer as a number: within int64, or non-negative within uint64 (the
 * column is then uint64). Beyond that the column is `object`, so the cell is text.
 */
function integerFits(negative: boolean, digits: string): boolean {
  const limit = negative ? INT64_MIN_MAGNITUDE : UINT64_MAX;
  return digits.length < limit.length || (digits.length === limit.length && digits <= limit);
}

/** precise_xstrtod's decimal exponent: an error above 308, whatever the digits (`0e400` too). */
function decimalExponent(integerDigits: number, fractionDigits: number, written: string | undefined): number {
  const dropped = Math.max(0, integerDigits - MAX_DIGITS);
  const fractionRead = Math.min(fractionDigits, Math.max(0, MAX_DIGITS - integerDigits));
  return (written === undefined ? 0 : Number(written)) + dropped - fractionRead;
}
