import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { censusCsv } from "../../../../examples/census/generate-dataset.ts";
import { csvColumns, writeParquet } from "../../../support/parquet-writer.ts";

const root = join(import.meta.dirname, "../../../..");
const json = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8")) as Record<string, unknown>;

/** A dataset as a folder of part files, the way Spark writes one (header row in each). */
function asFolder(csvPath: string, parts: number): string {
  const [header, ...rows] = readFileSync(csvPath, "utf8").trimEnd().split("\n");
  const dir = mkdtempSync(join(tmpdir(), "parts-"));
  const size = Math.ceil(rows.length / parts);
  for (let p = 0; p < parts; p++) {
    writeFileSync(
      join(dir, `part-${p}.csv`),
      `${header}\n${rows.slice(p * size, (p + 1) * size).join("\n")}\n`,
    );
  }
  return dir;
}

/** The credit example as a folder of Parquet part files, one declaring a facet column as floats. */
function parquetFolder(): string {
  const columns = csvColumns(readFileSync(join(root, "examples/credit/credit.csv"), "utf8"));
  const dir = mkdtempSync(join(tmpdir(), "parquet-parts-"));
  const rows = columns[0]?.data.length ?? 0;
  const bounds = [0, 200, 450, 700, rows];
  for (let part = 0; part < 4; part++) {
    const slice = columns.map((c) => ({
      ...c,
      // The last part declares the facet age as floats: pd.concat reads the column as float64.
      ...(part === 3 && c.name === "age" && { type: "DOUBLE" as const }),
      data: c.data.slice(bounds[part], bounds[part + 1]),
    }));
    writeParquet(join(dir, `part-0000${part}.parquet`), slice);
  }
  return dir;
}

/** Records whose quoted notes hold more line breaks than the records do: most line feeds are inside quotes. */
function quotedNotes(): string {
  const dir = mkdtempSync(join(tmpdir(), "notes-"));
  const path = join(dir, "notes.csv");
  const rows = Array.from(
    { length: 600 },
    (_, i) =>
      `${i},"note ${i}\nsecond line, with a comma\n""quoted"" third\n",${i % 3 === 0 ? "F" : "M"},${i % 5 < 2 ? "yes" : "no"}`,
  );
  writeFileSync(path, `id,note,sex,approved\n${rows.join("\n")}\n`);
  return path;
}

const NOTES_CONFIG = {
  dataset_type: "text/csv",
  label: "approved",
  label_values_or_threshold: ["yes"],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  methods: { pre_training_bias: { methods: "all" } },
};

function censusFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "census-"));
  const path = join(dir, "census.csv");
  writeFileSync(path, censusCsv(3000));
  return path;
}

const CASES: {
  name: string;
  config: () => Record<string, unknown>;
  dataset: () => string;
  /** Threads used when 1, 2 and 5 are asked for (Parquet goes file by file: 4 files make 3 runs of about equal bytes). */
  threads?: number[];
}[] = [
  {
    name: "test/fixtures credit",
    config: () => json("test/fixtures/valid/config/credit.analysis_config.json"),
    dataset: () => join(root, "test/fixtures/valid/data/credit.csv"),
  },
  {
    name: "examples/credit (every metric, FT too)",
    config: () => json("examples/credit/analysis_config.json"),
    dataset: () => join(root, "examples/credit/credit.csv"),
  },
  {
    name: "examples/credit as a folder of 4 part files",
    config: () => json("examples/credit/analysis_config.json"),
    dataset: () => asFolder(join(root, "examples/credit/credit.csv"), 4),
  },
  {
    name: "examples/credit as a folder of Parquet files (dtypes merged over the files)",
    config: () => ({
      ...json("examples/credit/analysis_config.json"),
      dataset_type: "application/x-parquet",
    }),
    dataset: parquetFolder,
    threads: [1, 2, 3],
  },
  {
    name: "line breaks inside quoted fields (quick cuts refused, cut again by reading for quotes)",
    config: () => NOTES_CONFIG,
    dataset: quotedNotes,
  },
  {
    name: "examples/census (quoted fields)",
    config: () => json("examples/census/analysis_config.json"),
    dataset: censusFile,
  },
];

async function run(config: Record<string, unknown>, datasetPath: string, threads: number) {
  const outDir = mkdtempSync(join(tmpdir(), `threads-${threads}-`));
  mkdirSync(outDir, { recursive: true });
  const result = await analyze({ datasetPath, config, outDir, threads: { threads, minBytesPerThread: 0 } });
  return {
    threads: result.threads,
    analysis: readFileSync(result.analysisPath, "utf8"),
    context: readFileSync(result.contextPath, "utf8"),
    intervals: readFileSync(result.intervalsPath as string, "utf8"),
  };
}

describe("the count pass on worker threads", () => {
  for (const { name, config, dataset, threads = [1, 2, 5] } of CASES) {
    it(`writes byte-identical analysis.json, context and intervals on 1, 2 and 5 threads: ${name}`, async () => {
      // Prepare
      const raw = config();
      const path = dataset();

      // Act
      const one = await run(raw, path, 1);
      const two = await run(raw, path, 2);
      const five = await run(raw, path, 5);

      // Assess
      expect(JSON.parse(one.analysis).pre_training_bias_metrics).toBeDefined();
      expect([one.threads, two.threads, five.threads]).toEqual(threads);
      expect({ ...two, threads: 1 }).toEqual(one);
      expect({ ...five, threads: 1 }).toEqual(one);
    }, 60_000);
  }

  it("reports bad data with the same message and line as one thread", async () => {
    // Prepare: a row of the wrong width near the end, so that a worker other than the first meets it.
    const [header, ...rows] = readFileSync(join(root, "examples/credit/credit.csv"), "utf8")
      .trimEnd()
      .split("\n");
    rows[rows.length - 10] = "1,2,3";
    const dir = mkdtempSync(join(tmpdir(), "bad-"));
    const path = join(dir, "credit.csv");
    writeFileSync(path, `${header}\n${rows.join("\n")}\n`);
    const config = json("examples/credit/analysis_config.json");

    // Act
    const one = await run(config, path, 1).catch((error: Error) => error.message);
    const three = await run(config, path, 3).catch((error: Error) => error.message);

    // Assess
    expect(one).toMatch(/credit\.csv line \d+: has 3 fields, expected 14/);
    expect(three).toBe(one);
  });
});
