import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { FilePart } from "../io/open-table.ts";

const QUOTE = 0x22;
const LF = 0x0a;
const BLOCK = 1 << 22;

/**
 * Cuts the CSV files of a dataset (read in order, as one stream of rows) into `count` runs of
 * consecutive rows of about equal size in bytes, each as the file parts it spans.
 *
 * A cut is placed just after a line feed that is outside quotes: one where the number of quote
 * bytes since the start of its file is even. In RFC 4180 a quoted field opens and closes with a
 * quote and a quote inside it is doubled, so an even count means no field is open and the line
 * feed ends a record; a line break inside a quoted field (odd count) is never cut. Finding the
 * cuts reads each file once with the native byte search (`indexOf` of quote and line-feed
 * bytes), far faster than parsing. A malformed file (a stray quote) may be cut inside a record;
 * the part then fails to parse and the caller counts on one thread, which reports the error
 * with its line exactly as a one-thread run does.
 */
export function splitCsvFiles(files: readonly string[], count: number, quoteSafe = true): FilePart[][] {
  const sizes = files.map((file) => statSync(file).size);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const share = total / count;
  // Where runs should start, per file: 0 when a run starts with the file, else to be moved to a safe cut.
  const wanted: number[][] = files.map(() => []);
  for (let run = 1; run < count; run++) {
    let at = Math.floor(share * run);
    for (let f = 0; f < files.length; f++) {
      const size = sizes[f] as number;
      if (at < size) {
        wanted[f]?.push(at);
        break;
      }
      at -= size;
    }
  }
  const runs: FilePart[][] = [];
  let current: FilePart[] = [];
  files.forEach((path, f) => {
    const size = sizes[f] as number;
    const asked = wanted[f] ?? [];
    const inside = asked.filter((at) => at > 0);
    const found = quoteSafe ? safeCuts(path, inside, size) : quickCuts(path, inside, size);
    const cuts = [...new Set([...(asked.includes(0) ? [0] : []), ...found])];
    let start = 0;
    for (const cut of cuts) {
      if (cut > start) current.push({ path, start, end: cut });
      if (current.length > 0) runs.push(current);
      current = [];
      start = cut;
    }
    current.push({ path, start, end: size });
  });
  if (current.length > 0) runs.push(current);
  return runs;
}

/**
 * For each wanted offset (ascending), the offset just after the first line feed at or after it,
 * quotes unchecked: reads a few KB per cut instead of the file. The caller keeps such cuts only
 * when the parts' quote bytes (counted by the scanner as it parses them) prove each one outside quotes.
 */
export function quickCuts(path: string, wanted: readonly number[], size: number): number[] {
  const cuts: number[] = [];
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 16);
    for (const at of wanted) {
      let base = Math.max(at, cuts.at(-1) ?? 0);
      let cut = -1;
      while (cut === -1 && base < size) {
        const length = readSync(fd, buf, 0, Math.min(buf.length, size - base), base);
        if (length === 0) break;
        const lf = buf.subarray(0, length).indexOf(LF);
        if (lf !== -1) cut = base + lf + 1;
        base += length;
      }
      if (cut !== -1 && cut < size && cut !== cuts.at(-1)) cuts.push(cut);
    }
  } finally {
    closeSync(fd);
  }
  return cuts;
}

/** For each wanted offset (ascending), the offset just after the first unquoted line feed at or after it. */
export function safeCuts(path: string, wanted: readonly number[], size: number): number[] {
  if (wanted.length === 0) return [];
  const cuts: number[] = [];
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(BLOCK);
    let base = 0;
    let quotes = 0;
    let next = 0;
    while (base < size && next < wanted.length) {
      const length = readSync(fd, buf, 0, Math.min(BLOCK, size - base), base);
      if (length === 0) break;
      const block = buf.subarray(0, length);
      let p = 0;
      while (p < length && next < wanted.length) {
        const target = Math.max(p, (wanted[next] as number) - base);
        if (target >= length) {
          quotes += countQuotes(block, p, length);
          p = length;
          break;
        }
        quotes += countQuotes(block, p, target);
        p = target;
        // From the target on, look for a line feed with an even count of quotes before it.
        for (;;) {
          const lf = block.indexOf(LF, p);
          const quote = block.indexOf(QUOTE, p);
          if (lf === -1) {
            quotes += countQuotes(block, p, length);
            p = length;
            break;
          }
          if (quote !== -1 && quote < lf) {
            quotes++;
            p = quote + 1;
            continue;
          }
          p = lf + 1;
          if (quotes % 2 === 0) {
            const cut = base + p;
            // Wanted offsets already passed by this cut share it.
            while (next < wanted.length && (wanted[next] as number) <= cut) next++;
            if (cut < size) cuts.push(cut);
            break;
          }
        }
      }
      if (p < length) quotes += countQuotes(block, p, length);
      base += length;
    }
  } finally {
    closeSync(fd);
  }
  return cuts;
}

function countQuotes(block: Buffer, from: number, to: number): number {
  let n = 0;
  let p = block.indexOf(QUOTE, from);
  while (p !== -1 && p < to) {
    n++;
    p = block.indexOf(QUOTE, p + 1);
  }
  return n;
}

/**
 * Groups the files of a dataset (read in order) into at most `count` runs of whole consecutive
 * files of about equal bytes: how Parquet and JSON Lines folders are spread over threads (a
 * Parquet file is not cut; JSON Lines could be, but its folders are already many files).
 */
export function splitByFiles(files: readonly string[], count: number): FilePart[][] {
  const sizes = files.map((file) => statSync(file).size);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const runs: FilePart[][] = [];
  let current: FilePart[] = [];
  let before = 0;
  files.forEach((path, f) => {
    const size = sizes[f] as number;
    // A run ends where the bytes read so far pass its share of the total.
    const share = Math.ceil(((runs.length + 1) * total) / count);
    if (current.length > 0 && before >= share && runs.length < count - 1) {
      runs.push(current);
      current = [];
    }
    current.push({ path, start: 0, end: size });
    before += size;
  });
  if (current.length > 0) runs.push(current);
  return runs;
}
