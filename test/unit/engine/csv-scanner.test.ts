import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "../../../engine/errors.ts";
import { CsvScanner } from "../../../engine/io/csv-scanner.ts";
import { giveBackScanMemory, takeScanMemory } from "../../../engine/io/plain-record-wasm.ts";

function csvFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "csv-")), "data.csv");
  writeFileSync(path, text);
  return path;
}

function allRows(scanner: CsvScanner): string[][] {
  const rows: string[][] = [];
  while (scanner.next()) rows.push(scanner.fields());
  scanner.close();
  return rows;
}

describe("CsvScanner", () => {
  it("splits fields and handles quotes, doubled quotes, CRLF and blank lines", () => {
    // Prepare
    const path = csvFile('a,b,c\r\n"x, y","say ""hi""",3\r\n\r\n"multi\nline",,last\n');
    // Act
    const rows = allRows(new CsvScanner(path));
    // Assess
    expect(rows).toEqual([
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "3"],
      ["multi\nline", "", "last"],
    ]);
  });

  it("reads rows that straddle chunk boundaries, and a last row without a line break", () => {
    // Prepare: a 16-byte chunk forces many refills and one buffer growth
    const path = csvFile('id,text\n1,"a long, quoted value that is longer than a chunk"\n2,end');
    // Act
    const rows = allRows(new CsvScanner(path, 16));
    // Assess
    expect(rows).toEqual([
      ["id", "text"],
      ["1", "a long, quoted value that is longer than a chunk"],
      ["2", "end"],
    ]);
  });

  it("names the line of a malformed quoted field", () => {
    // Prepare
    const path = csvFile('a,b\n1,2\n"3"x,4\n');
    const scanner = new CsvScanner(path);
    scanner.next();
    scanner.next();
    // Act
    const act = () => scanner.next();
    // Assess
    expect(act).toThrow(EngineInputError);
    expect(act).toThrow(/data\.csv line 3: unexpected character after the closing quote of field 1/);
  });

  it("counts line numbers across quoted line breaks", () => {
    // Prepare
    const path = csvFile('a,b\n"x\ny",1\n2,3\n');
    const scanner = new CsvScanner(path);
    // Act
    scanner.next();
    scanner.next();
    scanner.next();
    // Assess
    expect(scanner.location()).toBe("data.csv line 4");
  });

  it("reads unquoted records between quoted ones the same at every chunk size", () => {
    // Prepare: plain records (CRLF and LF, blank lines, a stray CR inside a field, a last record
    // without a line break) before, between and after records whose later fields are quoted
    const text = [
      "id,name,note\r\n1,ann,plain\r\n2,bob,",
      '"quoted, with a comma"\n',
      "\n3,c\rd,x\n",
      '4,"e\nf","say ""hi"""\r\n',
      "5,,\n6,gil,last",
    ].join("");
    const expected = [
      ["id", "name", "note"],
      ["1", "ann", "plain"],
      ["2", "bob", "quoted, with a comma"],
      ["3", "c\rd", "x"],
      ["4", "e\nf", 'say "hi"'],
      ["5", "", ""],
      ["6", "gil", "last"],
    ];
    const path = csvFile(text);

    // Act
    const bySize = [4, 7, 16, 64, 1 << 20].map((size) => allRows(new CsvScanner(path, size)));

    // Assess
    for (const rows of bySize) expect(rows).toEqual(expected);
  });

  it("names the line of a quote inside an unquoted field after plain records", () => {
    // Prepare
    const path = csvFile('a,b\n1,2\n3,4\n5,x"y\n');
    const scanner = new CsvScanner(path);
    for (let i = 0; i < 3; i++) scanner.next();

    // Act
    const act = () => scanner.next();

    // Assess
    expect(act).toThrow(/data\.csv line 4: a quote inside unquoted field 2/);
  });

  it("counts the quote bytes of the records it reads, as many as the file holds", () => {
    // Prepare
    const text = 'a,"b"\n1,"say ""hi"""\r\n2,plain\n"x\ny",3';
    const path = csvFile(text);
    const scanner = new CsvScanner(path, 8);

    // Act
    allRows(scanner);

    // Assess
    expect(scanner.quotes).toBe([...text].filter((c) => c === '"').length);
  });

  it("reads records of many fields, and records longer than the chunk, without quotes", () => {
    // Prepare: 300 fields (past the room the scanner starts with) and a 100-byte field in 16-byte chunks
    const wide = Array.from({ length: 300 }, (_, i) => `v${i}`);
    const long = "x".repeat(100);
    const path = csvFile(`${wide.join(",")}\r\n${long},b\n1,2\n`);

    // Act
    const bySize = [16, 1 << 20].map((size) => allRows(new CsvScanner(path, size)));

    // Assess
    for (const rows of bySize) expect(rows).toEqual([wide, [long, "b"], ["1", "2"]]);
  });

  it("reads each file as its own when scanners are open together and when one takes a closed one's memory", () => {
    // Prepare: a long first file (its chunk grows), then shorter ones
    const first = csvFile(`x,y\n${"a".repeat(200)},1\n2,3\n`);
    const second = csvFile("p,q\n4,5\n");
    const third = csvFile("r\n6\n");

    // Act: the first stays open while the second is read; the third is opened after both are closed
    const open = new CsvScanner(first, 64);
    open.next();
    const header = open.fields();
    const secondRows = allRows(new CsvScanner(second, 64));
    const firstRows = [header, ...allRows(open)];
    const thirdRows = allRows(new CsvScanner(third, 64));

    // Assess
    expect(firstRows).toEqual([
      ["x", "y"],
      ["a".repeat(200), "1"],
      ["2", "3"],
    ]);
    expect(secondRows).toEqual([
      ["p", "q"],
      ["4", "5"],
    ]);
    expect(thirdRows).toEqual([["r"], ["6"]]);
  });

  it("reads any RFC 4180 file as it was written, at every chunk size", () => {
    // Prepare: fields of commas, quotes, CR and LF (quoted when they hold one), CRLF or LF endings
    const field = fc.oneof(
      fc.stringMatching(/^[a-z0-9.\- ]{0,20}$/),
      fc.array(fc.constantFrom("a", ",", '"', "\n", "\r", "1"), { maxLength: 8 }).map((c) => c.join("")),
    );
    const row = fc.array(field, { minLength: 2, maxLength: 40 });
    const table = fc.record({ rows: fc.array(row, { minLength: 1, maxLength: 30 }), crlf: fc.boolean() });
    const quoted = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

    // Act / Assess
    fc.assert(
      fc.property(table, ({ rows, crlf }) => {
        const text = rows.map((cells) => cells.map(quoted).join(",")).join(crlf ? "\r\n" : "\n");
        const path = csvFile(`${text}\n`);
        for (const size of [8, 33, 1 << 16]) expect(allRows(new CsvScanner(path, size))).toEqual(rows);
      }),
      { numRuns: 60 },
    );
  });

  it("reads a closing quote at the end of the file as closing, whatever byte a previous file left after it", () => {
    // Prepare: the first file fills the memory with quotes; the second ends with a closing quote
    const quotes = csvFile('""""""""""\n');
    const last = csvFile('x,"a"');
    allRows(new CsvScanner(quotes, 64));

    // Act: the second scanner takes the first one's memory
    const rows = allRows(new CsvScanner(last, 64));

    // Assess
    expect(rows).toEqual([["x", "a"]]);
  });

  it("refuses a lone CR after a closing quote instead of dropping the byte after it", () => {
    // Prepare: a CR before a comma is kept out of the value; one before anything else is an error
    const strayBeforeComma = csvFile('"a"\r,b\n');
    const path = csvFile('h\n"a"\rb,c\n');
    const scanner = new CsvScanner(path);
    scanner.next();

    // Act
    const act = () => scanner.next();

    // Assess
    expect(allRows(new CsvScanner(strayBeforeComma))).toEqual([["a", "b"]]);
    expect(act).toThrow(/data\.csv line 2: unexpected character after the closing quote of field 1/);
  });

  it("names the line where a never-closed quoted field's record starts", () => {
    // Prepare
    const path = csvFile('a,b\n1,2\n\n"3,4\n5,6\n');
    const scanner = new CsvScanner(path);
    scanner.next();
    scanner.next();

    // Act
    const act = () => scanner.next();

    // Assess
    expect(act).toThrow(/data\.csv line 4: a quoted field is never closed/);
  });
});

describe("the scanners' spare WebAssembly memories", () => {
  it("takes back a memory of a usual size for the next scanner, and lets a grown one go", () => {
    // Prepare: a memory grown as for a record of some 12 MiB (a memory never shrinks)
    const grown = takeScanMemory();
    grown.memory.grow(200);
    const usual = takeScanMemory();

    // Act
    giveBackScanMemory(grown);
    const afterGrown = takeScanMemory();
    giveBackScanMemory(usual);
    const afterUsual = takeScanMemory();

    // Assess
    expect(afterGrown).not.toBe(grown);
    expect(afterUsual).toBe(usual);
  });
});
