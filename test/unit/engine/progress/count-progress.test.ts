/**
 * The count pass's progress: bytes of the dataset read across every thread, reported through
 * analyze's `progress` sink on a generated dataset of a few chunks (the readers read 1 MiB at a time).
 */
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import type { ThreadOptions } from "../../../../engine/parallel/parallel-counts.ts";
import { byteAmount } from "../../../../engine/progress/progress-reporter.ts";
import { writeParquet } from "../../../support/parquet-writer.ts";

const ROWS = 120_000;
const CONFIG = {
  dataset_type: "text/csv",
  label: "approved",
  label_values_or_threshold: ["yes"],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
};

const sexOf = (i: number) => (i % 3 === 0 ? "F" : "M");
const approvedOf = (i: number) => (i % 7 < 3 ? "yes" : "no");

/** About 3.4 MB of CSV: a note that pads each row, the facet and the label. */
function generatedCsv(): string {
  const path = join(mkdtempSync(join(tmpdir(), "progress-csv-")), "rows.csv");
  const rows = Array.from(
    { length: ROWS },
    (_, i) => `row ${i} of a generated dataset,${sexOf(i)},${approvedOf(i)}\n`,
  );
  writeFileSync(path, `note,sex,approved\n${rows.join("")}`);
  return path;
}

const BYTES_LINE = /^counting rows: (\S+ \S+) of (\S+ \S+) read \((\d+) %\), \d+ s(, about \d+ s left)?$/;

/** Runs analyze with progress every step (interval 0) and gives the lines and the percentages. */
async function countWithProgress(
  datasetPath: string,
  config: Record<string, unknown>,
  threads: ThreadOptions,
) {
  const lines: string[] = [];
  const result = await analyze({
    datasetPath,
    config,
    outDir: mkdtempSync(join(tmpdir(), "progress-out-")),
    intervals: false,
    threads,
    progress: { write: (line) => lines.push(line), intervalSeconds: 0 },
  });
  const parsed = lines.map((line) => BYTES_LINE.exec(line));
  return { result, lines, parsed };
}

describe("the count pass's progress", () => {
  for (const threads of [1, 2]) {
    it(`reports the bytes read in order, up to the dataset's size, on ${threads} thread(s)`, async () => {
      // Prepare
      const path = generatedCsv();
      const size = statSync(path).size;

      // Act
      const { result, lines, parsed } = await countWithProgress(path, CONFIG, {
        threads,
        minBytesPerThread: 0,
      });

      // Assess: every line has the phase's shape; the fractions never go back; the last is the whole file
      expect(result.threads).toBe(threads);
      expect(result.rowsRead).toBe(ROWS);
      expect(lines.length).toBeGreaterThanOrEqual(3);
      expect(parsed.every((match) => match !== null && match[2] === byteAmount(size))).toBe(true);
      const percents = parsed.map((match) => Number(match?.[3]));
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect(lines.at(-1)).toMatch(
        new RegExp(`^counting rows: ${byteAmount(size)} of ${byteAmount(size)} read \\(100 %\\), \\d+ s$`),
      );
    });
  }

  it("reports JSON Lines by the bytes read and Parquet by its row groups, up to the files' size", async () => {
    // Prepare: the same rows as JSON Lines (about 5 MB) and as Parquet of 12 row groups
    const folder = mkdtempSync(join(tmpdir(), "progress-formats-"));
    const jsonLines = join(folder, "rows.jsonl");
    const records = Array.from(
      { length: ROWS },
      (_, i) => `{"features":["row ${i} of a generated dataset","${sexOf(i)}"],"label":"${approvedOf(i)}"}\n`,
    );
    writeFileSync(jsonLines, records.join(""));
    const parquet = join(folder, "rows.parquet");
    writeParquet(
      parquet,
      [
        { name: "sex", type: "STRING", data: Array.from({ length: ROWS }, (_, i) => sexOf(i)) },
        { name: "approved", type: "STRING", data: Array.from({ length: ROWS }, (_, i) => approvedOf(i)) },
      ],
      { rowGroupSize: ROWS / 12 },
    );

    // Act
    const json = await countWithProgress(
      jsonLines,
      {
        ...CONFIG,
        dataset_type: "application/jsonlines",
        headers: ["note", "sex", "approved"],
        features: "features",
        label: "label",
      },
      { threads: 1 },
    );
    const columns = await countWithProgress(
      parquet,
      { ...CONFIG, dataset_type: "application/x-parquet" },
      { threads: 1 },
    );

    // Assess: a line per chunk of JSON Lines, per row group of Parquet; each ends at its file's size
    for (const [{ lines, parsed }, path, least] of [
      [json, jsonLines, 5],
      [columns, parquet, 12],
    ] as const) {
      const size = byteAmount(statSync(path).size);
      expect(lines.length).toBeGreaterThanOrEqual(least);
      const percents = parsed.map((match) => Number(match?.[3]));
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect(lines.at(-1)).toMatch(new RegExp(`^counting rows: ${size} of ${size} read \\(100 %\\)`));
    }
  });

  it("prints nothing with the default interval on a run shorter than it", async () => {
    // Prepare
    const path = generatedCsv();
    const lines: string[] = [];

    // Act
    await analyze({
      datasetPath: path,
      config: CONFIG,
      outDir: mkdtempSync(join(tmpdir(), "progress-out-")),
      intervals: false,
      threads: { threads: 2, minBytesPerThread: 0 },
      progress: { write: (line) => lines.push(line), intervalSeconds: 10 },
    });

    // Assess
    expect(lines).toEqual([]);
  });

  it("reports a second pass over the rows as its own phase, from nothing read", async () => {
    // Prepare: float predictions of an integer label, which the engine counts again cast to integers
    const path = join(mkdtempSync(join(tmpdir(), "progress-recount-")), "rows.csv");
    const rows = ["F,0,0.7", "F,2,1.5", "F,3,2.4", "M,1,1.2", "M,2,-0.5", "M,0,3.9"];
    writeFileSync(path, `sex,y,yhat\n${rows.join("\n")}\n`);
    const size = byteAmount(statSync(path).size);
    const config = {
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
      predicted_label: "yhat",
      methods: { post_training_bias: { methods: ["DPPL"] } },
    };

    // Act
    const { lines } = await countWithProgress(path, config, { threads: 1 });

    // Assess
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^counting rows: ${size} of ${size} read \\(100 %\\), \\d+ s$`)),
      expect.stringMatching(new RegExp(`^counting rows again: ${size} of ${size} read \\(100 %\\), \\d+ s$`)),
    ]);
  });
});
