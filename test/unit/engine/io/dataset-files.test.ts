import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { datasetFiles, isDataPath } from "../../../../engine/io/dataset-files.ts";
import { isDataPartName } from "../../../../lambdas/validate-config/parquet-sample.ts";

describe("isDataPath", () => {
  it.each([
    ["part-0.csv", {}, true],
    ["year=2024/part-0.parquet", { skipMarkers: true }, true],
    [".DS_Store", {}, false],
    ["sub/.hidden/part-0.csv", {}, false],
    ["_SUCCESS", {}, true],
    ["_SUCCESS", { skipMarkers: true }, false],
    ["_temporary/0/part-0.parquet", { skipMarkers: true }, false],
    ["sub\\_metadata", { skipMarkers: true }, false],
  ])("judges %s with %o as data: %s", (path, options, expected) => {
    // Act / Assess
    expect(isDataPath(path, options)).toBe(expected);
  });

  it("is the rule the Parquet pre-flight applies to S3 keys below the dataset's prefix", () => {
    // Prepare
    const prefix = "data/_staging/";
    // Act / Assess: the prefix itself may hold `_`; only the part below it is judged.
    expect(isDataPartName(`${prefix}part-0.parquet`, prefix)).toBe(true);
    expect(isDataPartName(`${prefix}_SUCCESS`, prefix)).toBe(false);
    expect(isDataPartName(`${prefix}sub/`, prefix)).toBe(false);
    expect(isDataPartName("data/one.parquet", "data/one.parquet")).toBe(true);
  });
});

describe("datasetFiles", () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it("lists a folder's data files in name order, leaving out hidden files and, for Parquet, markers", () => {
    // Prepare
    folder = mkdtempSync(join(tmpdir(), "dataset-files-"));
    for (const file of ["b.csv", "a.csv", ".crc", "_SUCCESS", "_temporary/0/x.csv", "sub/c.csv"]) {
      mkdirSync(join(folder, file, ".."), { recursive: true });
      writeFileSync(join(folder, file), "x\n");
    }
    const listed = (options: { skipMarkers?: boolean }) =>
      datasetFiles(folder as string, "dataset", options).map((f) => relative(folder as string, f));
    // Act / Assess
    expect(listed({})).toEqual(["_SUCCESS", "_temporary/0/x.csv", "a.csv", "b.csv", "sub/c.csv"]);
    expect(listed({ skipMarkers: true })).toEqual(["a.csv", "b.csv", "sub/c.csv"]);
  });
});
