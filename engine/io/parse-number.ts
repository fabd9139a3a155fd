/**
 * Parses a CSV cell as a number without creating a string for the common cases
 * (`-12`, `3.25`). Returns NaN for text. `lastWasInteger` tells whether the cell was written
 * as an integer, which decides (as in pandas) whether a column is integer or float; `value` is
 * the number parsed last (see parseNumberInto).
 */
export const numberParse = { lastWasInteger: false, value: 0 };

export function parseNumber(buf: Uint8Array, start: number, end: number): number {
  parseNumberInto(buf, start, end);
  return numberParse.value;
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
  let value = 0;
  while (p < end) {
    const d = (buf[p] as number) - 0x30;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    p++;
  }
  if (p === end && p > digitsStart && p - digitsStart < 16) {
    numberParse.lastWasInteger = true;
    numberParse.value = negative ? -value : value;
    return;
  }
  if (p < end && buf[p] === 0x2e) {
    p++;
    let scale = 1;
    let fraction = 0;
    const fractionStart = p;
    while (p < end) {
      const d = (buf[p] as number) - 0x30;
      if (d < 0 || d > 9) break;
      fraction = fraction * 10 + d;
      scale *= 10;
      p++;
    }
    if (p === end && p - start < 16 && (p > fractionStart || fractionStart - 1 > digitsStart)) {
      numberParse.lastWasInteger = false;
      // One division of two exact integers is correctly rounded, exactly like Number("1.15").
      const result = (value * scale + fraction) / scale;
      numberParse.value = negative ? -result : result;
      return;
    }
  }
  parseSlow(buf, start, end);
}

/** Exponents, long numbers, `inf`: let the JS number grammar decide (but never accept blanks). */
function parseSlow(buf: Uint8Array, start: number, end: number): void {
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start)
    .toString("latin1")
    .trim();
  const value = text === "" ? Number.NaN : Number(text);
  numberParse.value = value;
  if (!Number.isNaN(value)) numberParse.lastWasInteger = /^[+-]?\d+$/.test(text);
}
