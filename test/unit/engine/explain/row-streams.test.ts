import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { parseAnalysisConfig } from "../../../../engine/config/parse-analysis-config.ts";
import {
  blockStreamKeys,
  rowStreamKey,
  type ShapSettings,
  shapBlockStarts,
} from "../../../../engine/explain/kernel-shap/kernel-shap.ts";
import { explainShard } from "../../../../engine/explain/run-explanations.ts";
import { seededRandom } from "../../../../engine/seeded-random.ts";
import { logisticRegression } from "../../../../examples/models/onnx-writer.ts";

const F = 6;
const NAMES = Array.from({ length: F }, (_, f) => `x${f}`);
const dir = mkdtempSync(join(tmpdir(), "row-streams-"));
const LR = join(dir, "lr.onnx");
const weights = seededRandom(11);
writeFileSync(
  LR,
  logisticRegression(
    Array.from({ length: F }, () => weights() * 2 - 1),
    -0.1,
  ),
);

/** A CSV file of `rows` rows of F features (two decimals) and a label, drawn from `seed`. */
function csvFile(rows: number, seed: number): string {
  const values = seededRandom(seed);
  const lines = [[...NAMES, "y"].join(",")];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: F }, () => Math.round((values() * 4 - 2) * 100) / 100);
    lines.push([...row, r % 2].join(","));
  }
  return `${lines.join("\n")}\n`;
}

const PART = { "part-0.csv": csvFile(70, 1), "part-1.csv": csvFile(45, 2), "part-2.csv": csvFile(90, 3) };

/** A dataset folder holding some of the parts. */
function folder(name: string, parts: readonly (keyof typeof PART)[]): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (const part of parts) writeFileSync(join(path, part), PART[part]);
  return path;
}

/** 30 coalitions drawn per row (2^6 − 2 = 62 exist) from seed 5, against one baseline row. */
const SAMPLED = {
  dataset_type: "text/csv",
  label: "y",
  methods: {
    shap: { baseline: [new Array(F).fill(0)], num_samples: 30, seed: 5, save_local_shap_values: true },
  },
};

let runs = 0;
/** out.csv's data rows of sampled SHAP on `threads` threads, with blocks of 31 × 8 evaluations. */
async function localValues(datasetPath: string, threads: number): Promise<string[]> {
  const outDir = join(dir, `run-${++runs}`);
  await analyze({
    datasetPath,
    config: SAMPLED,
    outDir,
    intervals: false,
    model: { onnx: LR },
    threads: { threads },
    explainBlocks: { minEvaluationsPerThread: 0, evaluationsPerCall: 31 * 8 },
  });
  return readFileSync(join(outDir, "explanations_shap/out.csv"), "utf8").trim().split("\n").slice(1);
}

describe("the stream a sampled row draws from", () => {
  it("keys a row of rows given without files (kernelShap on its own) by its place", () => {
    // Prepare
    const settings = { rowsPerBlock: 4 } as ShapSettings;
    // Act
    const key = rowStreamKey(settings, 17);
    // Assess
    expect(key).toBe("kernel shap row 17");
  });

  it("keys a row of a dataset of several files by its file's path and its place in that file", () => {
    // Prepare
    const files = [
      { path: "a/part-0.csv", rows: 3 },
      { path: "part-1.csv", rows: 0 },
      { path: "part-2.csv", rows: 5 },
    ];
    const settings = { rowsPerBlock: 4, files } as unknown as ShapSettings;
    // Act
    const keys = [0, 2, 3, 7].map((row) => rowStreamKey(settings, row));
    // Assess
    expect(keys).toEqual([
      "kernel shap a/part-0.csv row 0",
      "kernel shap a/part-0.csv row 2",
      "kernel shap part-2.csv row 0",
      "kernel shap part-2.csv row 4",
    ]);
    expect(() => rowStreamKey(settings, 8)).toThrow("row 8 is beyond the rows' files (8 rows)");
  });

  it("is the same key when a block's file is found once for all its rows", () => {
    // Prepare: blocks of 4 rows over files of 6, 0, 9 and 1 rows
    const files = [
      { path: "a.csv", rows: 6 },
      { path: "b.csv", rows: 0 },
      { path: "c/d.csv", rows: 9 },
      { path: "e.csv", rows: 1 },
    ];
    const byFile = { rowsPerBlock: 4, files } as unknown as ShapSettings;
    const byPlace = { rowsPerBlock: 4 } as ShapSettings;
    // Act
    const keys = (settings: ShapSettings) => {
      const starts = shapBlockStarts(16, settings);
      const key = blockStreamKeys(16, settings);
      const found: [string, string][] = [];
      for (let block = 0; block < starts.length - 1; block++) {
        for (let row = starts[block] as number; row < (starts[block + 1] as number); row++) {
          found.push([key(block, row), rowStreamKey(settings, row)]);
        }
      }
      return found;
    };
    // Assess
    for (const settings of [byFile, byPlace]) {
      const found = keys(settings);
      expect(found).toHaveLength(16);
      for (const [once, scanned] of found) expect(once).toBe(scanned);
    }
  });
});

describe("the blocks of rows", () => {
  it("cuts the rows in runs of rowsPerBlock, and each file's rows on their own when keyed by file", () => {
    // Prepare
    const plain = { rowsPerBlock: 4 } as ShapSettings;
    const byFile = {
      rowsPerBlock: 4,
      files: [
        { path: "a", rows: 6 },
        { path: "b", rows: 0 },
        { path: "c", rows: 4 },
      ],
    } as unknown as ShapSettings;
    // Act
    const plainStarts = shapBlockStarts(10, plain);
    const fileStarts = shapBlockStarts(10, byFile);
    // Assess
    expect(plainStarts).toEqual([0, 4, 8, 10]);
    expect(fileStarts).toEqual([0, 4, 6, 10]);
    expect(() => shapBlockStarts(11, byFile)).toThrow(
      "the rows' files hold 10 rows, but 11 rows are explained",
    );
  });
});

describe("sampled SHAP over a dataset's files", () => {
  it("gives a file's rows the same values whichever other files are explained with them", async () => {
    // Prepare
    const whole = folder("whole", ["part-0.csv", "part-1.csv", "part-2.csv"]);
    const shard = folder("shard", ["part-1.csv", "part-2.csv"]);
    // Act
    const all = await localValues(whole, 1);
    const some = await localValues(shard, 1);
    // Assess: part-0's 70 rows come first in the whole dataset
    expect(all).toHaveLength(205);
    expect(some).toEqual(all.slice(70));
  });

  it("gives the same values on 1, 2 and 3 threads", async () => {
    // Prepare
    const whole = folder("threads", ["part-0.csv", "part-1.csv", "part-2.csv"]);
    // Act
    const runs = [];
    for (const threads of [1, 2, 3]) runs.push(await localValues(whole, threads));
    // Assess
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it("keys a dataset of one file by its path too: the file alone in a folder draws as among other files", async () => {
    // Prepare
    const inFolder = folder("one", ["part-2.csv"]);
    const alone = join(dir, "alone.csv");
    writeFileSync(alone, PART["part-2.csv"]);
    // Act
    const oneFile = await localValues(inFolder, 2);
    const inMany = await localValues(folder("many", ["part-1.csv", "part-2.csv"]), 1);
    const renamed = await localValues(alone, 1);
    // Assess: part-2's rows follow part-1's 45; a file of another name draws other coalitions
    expect(oneFile).toHaveLength(90);
    expect(inMany.slice(45)).toEqual(oneFile);
    expect(renamed).not.toEqual(oneFile);
  });

  it("gives a host of several instances holding a one-file dataset one instance's values", async () => {
    // Prepare
    const dataset = folder("single", ["part-0.csv"]);
    const config = parseAnalysisConfig(SAMPLED).config;
    if (config === undefined) throw new Error("the test's config is not valid");
    const written: string[] = [];
    // Act
    const one = await localValues(dataset, 1);
    const shard = { folder: dataset, files: [join(dataset, "part-0.csv")] };
    await explainShard(config, shard, { onnx: LR }, { threads: 1 }, async (file, lines) => {
      written[file] = lines;
    });
    // Assess
    expect(written).toEqual([`${one.join("\n")}\n`]);
  });
});
