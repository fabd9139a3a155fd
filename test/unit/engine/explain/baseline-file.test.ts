import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBaselineFile } from "../../../../engine/explain/baseline/baseline-file.ts";
import { isTextCell } from "../../../../engine/explain/baseline/baseline-messages.ts";
import { featureTableOf } from "../../../support/feature-table.ts";

const dir = mkdtempSync(join(tmpdir(), "baseline-file-"));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("a baseline file's cells", () => {
  it("are numbers exactly when pandas' CSV reader reads them as numbers", () => {
    // Prepare: 0x10 and 1e999 are text to pandas, -INF and ' 2 ' numbers.
    const path = write("baseline.csv", "x,c\n0x10,a\n-INF,b\n 2 ,1e999\n");

    // Act
    const rows = readBaselineFile(path, featureTableOf("x,c,y\n1,a,0\n2,b,1\n"));

    // Assess
    expect(rows).toEqual([
      ["0x10", "a"],
      [Number.NEGATIVE_INFINITY, "b"],
      [2, "1e999"],
    ]);
  });

  it("given as text are refused for a numeric feature by the same grammar", () => {
    // Act
    const text = ["0x10", "1e999", "", " "].map(isTextCell);
    const numbers = ["-inf", "Infinity", " 2 ", "2.5e1"].map(isTextCell);

    // Assess
    expect(text).toEqual([true, true, true, true]);
    expect(numbers).toEqual([false, false, false, false]);
  });
});
