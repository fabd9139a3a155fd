/**
 * `run --local` on a Parquet dataset: the real state machine, the embedded S3 and the local
 * processing job read a folder of Parquet parts and give the analysis the CSV gives.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../bin/cli/main.ts";
import { csvColumns, writeParquet } from "../support/parquet-writer.ts";

const FIXTURE = new URL("./fixtures/credit-mini/", import.meta.url).pathname;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "parquet-run-"));
  const csv = await readFile(join(FIXTURE, "train.csv"), "utf8");
  await writeFile(join(root, "train.csv"), csv);
  // The same rows as two Spark-style parts and a _SUCCESS marker.
  const columns = csvColumns(csv);
  const half = Math.ceil((columns[0]?.data.length ?? 0) / 2);
  await mkdir(join(root, "train"));
  writeParquet(
    join(root, "train", "part-00000.snappy.parquet"),
    columns.map((c) => ({ ...c, data: c.data.slice(0, half) })),
  );
  writeParquet(
    join(root, "train", "part-00001.snappy.parquet"),
    columns.map((c) => ({ ...c, data: c.data.slice(half) })),
  );
  await writeFile(join(root, "train", "_SUCCESS"), "");
  const config = JSON.parse(await readFile(join(FIXTURE, "analysis_config.json"), "utf8")) as Record<
    string,
    unknown
  >;
  await writeFile(join(root, "csv_config.json"), JSON.stringify(config));
  // A Parquet file names its own columns: no headers.
  const { headers: _, ...parquetConfig } = config;
  await writeFile(
    join(root, "parquet_config.json"),
    JSON.stringify({ ...parquetConfig, dataset_type: "application/x-parquet" }),
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function runLocal(name: string, configFile: string, datasetUri: string, extraConfig = {}) {
  const base = JSON.parse(await readFile(join(FIXTURE, "run.json"), "utf8")) as Record<string, unknown>;
  const input = join(root, `${name}.run.json`);
  await writeFile(
    input,
    JSON.stringify({
      ...base,
      ...extraConfig,
      analysisConfigUri: configFile,
      dataset: { uri: datasetUri, s3DataType: "S3Prefix" },
    }),
  );
  let stderr = "";
  const out = join(root, name);
  const code = await main(["run", "--local", "--input", input, "--out", out], {
    stdout: () => {},
    stderr: (text) => (stderr += text),
  });
  return { code, stderr, out };
}

describe("clarify-pipeline run --local on Parquet", () => {
  it("analyses a folder of Parquet parts as the CSV holding the same rows", async () => {
    // Prepare
    const fromCsv = await runLocal("csv", "csv_config.json", "train.csv");

    // Act
    const fromParquet = await runLocal("parquet", "parquet_config.json", "train/");

    // Assess
    expect(fromCsv.code).toBe(0);
    expect(fromParquet.stderr).toContain("✓ RunClarifyJob");
    expect(fromParquet.code).toBe(0);
    const analysis = (dir: string) => readFile(join(dir, "output", "analysis.json"), "utf8");
    expect(await analysis(fromParquet.out)).toBe(await analysis(fromCsv.out));
  });

  it("stops at ValidateConfig when the config names a column the Parquet footer lacks", async () => {
    // Prepare
    const config = JSON.parse(await readFile(join(root, "parquet_config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    await writeFile(join(root, "bad_config.json"), JSON.stringify({ ...config, label: "defaulted" }));

    // Act
    const result = await runLocal("bad", "bad_config.json", "train/");

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ValidateConfig/);
    expect(result.stderr).toContain(
      `column "defaulted" is not in train/part-00000.snappy.parquet (columns: Target, Sex, Income, Age)`,
    );
  });
});
