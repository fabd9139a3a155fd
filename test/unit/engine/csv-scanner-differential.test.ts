import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvScanner } from "../../../engine/io/csv-scanner.ts";
import { splitCsvFiles } from "../../../engine/parallel/split-csv.ts";

/**
 * Differential tests: the scanner (its SIMD loop for records without quotes, its JavaScript
 * loops for the rest, chunk refills and growth, reused memories, byte ranges) against a
 * character-by-character parser of the same rules, on generated texts.
 */

type Parsed =
  | { readonly rows: string[][] }
  | { readonly error: "unclosed" | "after-quote" | "quote-in-unquoted"; readonly line: number };

/**
 * The rules as the scanner documents them (RFC 4180, pandas' blank-line skipping): records end
 * at a line feed outside quotes; a quoted field holds anything, a doubled quote stands for one,
 * and after its closing quote comes a comma, a line break (LF, CRLF or a CR at the end of the
 * file), the end of the file, or a stray CR before a comma (kept out of the value). An unquoted
 * field holds no quote; a CR just before the line feed that ends it (or at the end of the file)
 * is the line break's, any other CR is the value's. A record of one empty field (a blank line) is
 * skipped. A UTF-8 byte order mark before the first header is not part of it. Line numbers
 * count line feeds, quoted ones too; an error names the line its record starts on.
 */
function reference(text: string): Parsed {
  const n = text.length;
  let i = text.startsWith("\uFEFF") ? 1 : 0;
  let line = 1;
  const rows: string[][] = [];
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    for (;;) {
      if (text[i] === '"') {
        let value = "";
        i++;
        for (;;) {
          if (i >= n) return { error: "unclosed", line: recordLine };
          const c = text[i] as string;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n") line++;
          value += c;
          i++;
        }
        fields.push(value);
        if (i >= n) break;
        const after = text[i];
        if (after === ",") {
          i++;
          continue;
        }
        if (after === "\n") {
          i++;
          line++;
          break;
        }
        if (after === "\r" && (i + 1 >= n || text[i + 1] === "\n")) {
          if (i + 1 < n) line++;
          i += 2;
          break;
        }
        if (after === "\r" && text[i + 1] === ",") {
          i += 2;
          continue;
        }
        return { error: "after-quote", line: recordLine };
      }
      let j = i;
      while (j < n && text[j] !== "," && text[j] !== "\n") {
        if (text[j] === '"') return { error: "quote-in-unquoted", line: recordLine };
        j++;
      }
      let value = text.slice(i, j);
      if (text[j] !== "," && value.endsWith("\r")) value = value.slice(0, -1);
      fields.push(value);
      i = j + 1;
      if (text[j] === ",") continue;
      if (j < n) line++;
      break;
    }
    if (!(fields.length === 1 && fields[0] === "")) rows.push(fields);
  }
  return { rows };
}

const ERRORS = {
  unclosed: /a quoted field is never closed/,
  "after-quote": /unexpected character after the closing quote/,
  "quote-in-unquoted": /a quote inside unquoted field/,
} as const;

function csvFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "csv-diff-")), "data.csv");
  writeFileSync(path, text);
  return path;
}

/** The rows the scanner reads, or the error it throws (its message, which names the line). */
function scan(scanner: CsvScanner): { rows: string[][] } | { message: string } {
  const rows: string[][] = [];
  try {
    while (scanner.next()) rows.push(scanner.fields());
    return { rows };
  } catch (error) {
    return { message: (error as Error).message };
  } finally {
    scanner.close();
  }
}

/** Asserts the scanner's reading equals the reference's: the same rows, or the same error on the same line. */
function expectSame(actual: { rows: string[][] } | { message: string }, expected: Parsed): void {
  if ("rows" in expected) {
    expect(actual).toEqual({ rows: expected.rows });
    return;
  }
  const message = new RegExp(`^data\\.csv line ${expected.line}: ${ERRORS[expected.error].source}`);
  expect(actual).toEqual({ message: expect.stringMatching(message) });
}

// Generators. Characters are weighted towards the ones the scanner treats specially.
const plainChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("a", "b", "z", "0", "7", " ", ".", "-") },
  { weight: 2, arbitrary: fc.constantFrom("é", "ß", "中", "😀", "\u00a0") },
  { weight: 1, arbitrary: fc.constant("\r") },
);
const quotedChar = fc.oneof(
  { weight: 5, arbitrary: plainChar },
  { weight: 3, arbitrary: fc.constantFrom(",", '"', "\n", "\r", "\r\n") },
);
/** A field's text as written in the file. */
const field = fc.oneof(
  { weight: 5, arbitrary: fc.array(plainChar, { maxLength: 12 }).map((c) => c.join("")) },
  {
    weight: 3,
    arbitrary: fc.array(quotedChar, { maxLength: 12 }).map((c) => `"${c.join("").replaceAll('"', '""')}"`),
  },
  // A field longer than the small chunks, sometimes longer than several.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 20, max: 400 }), fc.boolean(), fc.constantFrom("x", "é", 'a,\n"\r'))
      .map(([length, quoted, unit]) =>
        quoted
          ? `"${unit.repeat(length).replaceAll('"', '""')}"`
          : unit.replace(/[,\n"]/g, "").repeat(length),
      ),
  },
);
/** A record's fields: a few, or more than the scanner's first field capacity (64). */
const fieldList = fc.oneof(
  { weight: 8, arbitrary: fc.array(field, { minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.array(field, { minLength: 60, maxLength: 200 }) },
);
const record = fc
  .tuple(fieldList, fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }))
  .map(([fields, strayCr]) =>
    // A stray CR may follow a quoted field's closing quote, before the comma.
    fields.map((f, k) => (k < fields.length - 1 && f.startsWith('"') && strayCr[k] ? `${f}\r` : f)).join(","),
  );
const lineBreak = fc.constantFrom("\n", "\n", "\r\n");
const line = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(record, lineBreak).map(([r, b]) => r + b) },
  // Blank lines, and lines of only a CR.
  { weight: 1, arbitrary: fc.constantFrom("\n", "\r\n", "\r\r\n", "\r\n\n") },
);
/** A CSV text: some lines, maybe a byte order mark, maybe no final line break. */
const validText = fc
  .tuple(
    fc.array(line, { minLength: 1, maxLength: 40 }),
    fc.boolean(),
    fc.constantFrom("", "", "bom"),
    fc.constantFrom("", "\r"),
  )
  .map(([lines, dropLast, bom, tail]) => {
    let text = lines.join("");
    if (dropLast) text = text.replace(/\r?\n$/, tail);
    return (bom ? "\uFEFF" : "") + text;
  });
/** A valid text with a few characters inserted or removed: mostly malformed, sometimes still valid. */
const mutatedText = fc
  .tuple(
    validText,
    fc.array(
      fc.tuple(fc.nat(), fc.constantFrom('"', "\r", "\n", ",", "x", ""), fc.integer({ min: 0, max: 2 })),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([text, edits]) => {
    // Edited by code point: a surrogate pair cut in two is no UTF-8 text.
    const out = [...text];
    for (const [at, insert, remove] of edits)
      out.splice(out.length === 0 ? 0 : at % out.length, remove, insert);
    return out.join("");
  });

/**
 * Chunk sizes to read a text with: tiny ones put every byte at a chunk boundary. A byte order mark
 * is looked for in the first read only, so a file that starts with one is read in chunks of 3
 * bytes or more (the engine reads 1 MB).
 */
function chunkSizes(text: string): number[] {
  const sizes = [1, 2, 3, 5, 8, 16, 17, 64, 1 << 16];
  return text.startsWith("\uFEFF") ? sizes.filter((size) => size >= 3) : sizes;
}

/** A failing run shrinks its counterexample for at most 30 s (shrinking long texts can take minutes). */
const RUNS = { interruptAfterTimeLimit: 30_000, markInterruptAsFailure: true } as const;

describe("CsvScanner against a reference parser", () => {
  it("reads generated valid texts as the reference does, at every chunk size", () => {
    fc.assert(
      fc.property(validText, (text) => {
        const expected = reference(text);
        expect("rows" in expected).toBe(true);
        const path = csvFile(text);
        for (const size of chunkSizes(text)) expectSame(scan(new CsvScanner(path, size)), expected);
      }),
      { ...RUNS, numRuns: 300, seed: 4180 },
    );
  });

  it("reads, or refuses with the same error and line, generated texts with characters inserted and removed", () => {
    fc.assert(
      fc.property(mutatedText, (text) => {
        const expected = reference(text);
        const path = csvFile(text);
        for (const size of chunkSizes(text).filter((_, k) => k % 2 === 0))
          expectSame(scan(new CsvScanner(path, size)), expected);
      }),
      { ...RUNS, numRuns: 400, seed: 4181 },
    );
  });

  it("reads each file as its own when scanners are interleaved, closed and their memories taken by new ones", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(validText, fc.constantFrom(3, 4, 16, 64, 1 << 16)), { minLength: 2, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 4 }),
        (files, schedule, together) => {
          const queue = files.map(([text, size]) => ({
            path: csvFile(text),
            size,
            expected: reference(text),
          }));
          const open: { scanner: CsvScanner; rows: string[][]; expected: Parsed; done: boolean }[] = [];
          const results: { rows: string[][]; expected: Parsed }[] = [];
          let step = 0;
          while (queue.length > 0 || open.length > 0) {
            while (open.length < together && queue.length > 0) {
              const next = queue.shift() as (typeof queue)[number];
              const entry = {
                scanner: new CsvScanner(next.path, next.size),
                rows: [],
                expected: next.expected,
              };
              open.push({ ...entry, done: false });
            }
            const k = (schedule[step++ % schedule.length] as number) % open.length;
            const current = open[k] as (typeof open)[number];
            if (current.scanner.next()) current.rows.push(current.scanner.fields());
            else {
              current.scanner.close();
              results.push({ rows: current.rows, expected: current.expected });
              open.splice(k, 1);
            }
          }
          for (const { rows, expected } of results) expect({ rows }).toEqual(expected);
        },
      ),
      { ...RUNS, numRuns: 100, seed: 4182 },
    );
  });

  it("reads the same rows from a file's byte ranges, cut where the worker threads cut it, as from the whole file", () => {
    fc.assert(
      fc.property(
        validText,
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(3, 7, 64),
        (text, count, size) => {
          const expected = reference(text);
          const path = csvFile(text);
          const parts = splitCsvFiles([path], count).flat();
          const rows: string[][] = [];
          let quotes = 0;
          for (const part of parts) {
            const scanner = new CsvScanner(path, size, part);
            while (scanner.next()) rows.push(scanner.fields());
            scanner.close();
            quotes += scanner.quotes;
          }
          expect({ rows }).toEqual(expected);
          expect(quotes).toBe([...text].filter((c) => c === '"').length);
        },
      ),
      { ...RUNS, numRuns: 200, seed: 4183 },
    );
  });

  it("reads texts far longer than the default chunk the same as in small chunks", () => {
    // Prepare: about 3 MB of generated lines, three 1 MB chunks and more
    const lines = fc.sample(fc.tuple(record, lineBreak), { numRuns: 4000, seed: 4184 });
    let text = "";
    while (text.length < 3_000_000) for (const [r, b] of lines) text += r + b;
    const expected = reference(text);
    const path = csvFile(text);

    // Act
    const whole = scan(new CsvScanner(path));
    const small = scan(new CsvScanner(path, 4096));

    // Assess
    expect("rows" in expected && expected.rows.length).toBeGreaterThan(3000);
    expectSame(whole, expected);
    expectSame(small, expected);
  });
});
