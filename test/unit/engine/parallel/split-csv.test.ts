import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { splitCsvFiles } from "../../../../engine/parallel/split-csv.ts";

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "split-"));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("splitCsvFiles", () => {
  it("cuts only after line feeds outside quotes, and the parts put together are the file", () => {
    // Prepare: every record holds a quoted field with line breaks and doubled quotes.
    const records = Array.from({ length: 200 }, (_, i) => `${i},"line one\nline ""two""\n, three",${i % 7}`);
    const path = file("quoted.csv", `id,text,n\n${records.join("\n")}\n`);
    const text = readFileSync(path);

    // Act
    const runs = splitCsvFiles([path], 7);

    // Assess
    expect(runs.length).toBe(7);
    const parts = runs.flat();
    expect(parts[0]?.start).toBe(0);
    parts.forEach((part, i) => {
      if (i > 0) expect(part.start).toBe(parts[i - 1]?.end);
      if (part.start > 0) {
        const before = text.subarray(0, part.start).toString("latin1");
        expect(before.endsWith("\n")).toBe(true);
        expect((before.match(/"/g) ?? []).length % 2).toBe(0);
      }
    });
    expect(parts.at(-1)?.end).toBe(text.length);
  });

  it("cuts runs of equal bytes, each at the line feed after its share", () => {
    // Prepare: 1,000 records of 100 bytes
    const records = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(4, "0")},${"x".repeat(94)}`);
    const path = file("even.csv", `${records.join("\n")}\n`);
    const bytes = (run: { start: number; end: number }[]) => run.reduce((sum, p) => sum + p.end - p.start, 0);

    // Act
    const runs = splitCsvFiles([path], 3);

    // Assess: 100,000 / 3 each, to the line feed after each cut
    expect(runs.map(bytes)).toEqual([33_400, 33_300, 33_300]);
  });

  it("spreads a folder's files over the runs in order, cutting inside a file when it is large", () => {
    // Prepare
    const small = file("a.csv", "x,y\n1,2\n");
    const large = file("b.csv", `x,y\n${Array.from({ length: 1000 }, (_, i) => `${i},${i}`).join("\n")}\n`);

    // Act
    const runs = splitCsvFiles([small, large], 3);

    // Assess
    expect(runs.length).toBe(3);
    expect(runs[0]?.[0]).toEqual({ path: small, start: 0, end: 8 });
    expect(runs.flat().map((part) => part.path)).toEqual([small, large, large, large]);
  });

  it("keeps a file whose only line feeds are inside quotes in one run", () => {
    // Prepare
    const path = file("one.csv", `a\n"${"x\n".repeat(500)}"`);

    // Act
    const runs = splitCsvFiles([path], 4);

    // Assess: the header's line feed is the only cut possible, so the cuts land after it or not at all.
    expect(runs.flat().every((part) => part.start === 0 || part.start === 2)).toBe(true);
  });
});
