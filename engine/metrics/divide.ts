/**
 * Division the way Clarify does it for rates: 0/0 is 0, x/0 is +Infinity (or -Infinity for
 * negative x). analysis.json then carries "Infinity" as a string.
 */
export function divide(numerator: number, denominator: number): number {
  if (denominator === 0) {
    if (numerator === 0) return 0;
    return numerator < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return numerator / denominator;
}

/**
 * `x - y` for two rates, except that two infinite rates count as equal (0), as Clarify does
 * for DCA, DCR, RD, SD, DAR, DRR, AD and TE.
 */
export function rateDifference(x: number, y: number): number {
  if (x === y && x === Number.POSITIVE_INFINITY) return 0;
  return x - y;
}
