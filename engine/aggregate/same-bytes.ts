/**
 * Whether `buf` holds `expected`'s bytes from `start` on (the caller has checked that the cell is
 * as long as `expected`). The count loop compares cells with a few known spellings this way,
 * without making a string of each cell.
 */
export function sameBytes(expected: Uint8Array, buf: Uint8Array, start: number): boolean {
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] !== buf[start + i]) return false;
  }
  return true;
}
