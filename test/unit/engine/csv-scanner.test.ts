import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "../../../engine/errors.ts";
import { CsvScanner } from "../../../engine/io/csv-scanner.ts";

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
});
