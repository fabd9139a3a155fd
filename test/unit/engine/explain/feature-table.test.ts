import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAnalysisConfig } from "../../../../engine/config/parse-analysis-config.ts";
import { readFeatureTable } from "../../../../engine/explain/feature-table.ts";

const dir = mkdtempSync(join(tmpdir(), "feature-table-"));

function table(csv: string) {
  const path = join(dir, `t${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, csv);
  const config = parseAnalysisConfig({
    dataset_type: "text/csv",
    label: "y",
    methods: { shap: { baseline: [[0, "a"]] } },
  }).config;
  if (config === undefined) throw new Error("the test's config is not valid");
  return readFeatureTable(config, path);
}

describe("a text column's categories", () => {
  it("keep each number's own text, whether it comes before or after the first text cell", () => {
    // Act
    const before = table("x,c,y\n1,1.0,0\n2,01,1\n3, 5 ,0\n4,red,1\n5,1.0,0\n6,7,1\n");
    const after = table("x,c,y\n4,red,1\n1,1.0,0\n2,01,1\n3, 5 ,0\n5,1.0,0\n6,7,1\n");
    // Assess
    expect(before.categories[1]).toEqual(["1.0", "01", "5", "red", "7"]);
    expect(after.categories[1]).toEqual(["red", "1.0", "01", "5", "7"]);
    expect(Array.from(before.values.filter((_, i) => i % 2 === 1))).toEqual([0, 1, 2, 3, 0, 4]);
  });

  it("leaves a column of numbers alone as numbers, whatever their text", () => {
    // Act
    const numbers = table("x,c,y\n1,1.0,0\n2,01,1\n");
    // Assess
    expect(numbers.categories[1]).toBeUndefined();
    expect(Array.from(numbers.values)).toEqual([1, 1, 2, 1]);
  });

  it("reads cells as pandas' CSV reader does: hexadecimal IDs are categories, inf is a number", () => {
    // Act
    const read = table("x,c,y\n-INF,0x1F,0\ninf,0x2A,1\n2.5,0x1F,0\n");
    // Assess
    expect(read.categories[0]).toBeUndefined();
    expect(read.categories[1]).toEqual(["0x1F", "0x2A"]);
    expect(Array.from(read.values)).toEqual([
      Number.NEGATIVE_INFINITY,
      0,
      Number.POSITIVE_INFINITY,
      1,
      2.5,
      0,
    ]);
  });
});
