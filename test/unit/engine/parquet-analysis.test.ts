/**
 * The same data as CSV, JSON Lines and Parquet gives the same analysis.json, whatever the
 * Parquet codec and whether the Parquet dataset is one file or a folder of parts. The Parquet
 * and JSON Lines files are written at test time from the CSV text (test/support/parquet-writer.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../bin/cli/main.ts";
import { analyze } from "../../../engine/analyze.ts";
import type { AnalysisConfig } from "../../../engine/config/analysis-config.ts";
import { parseConfigJson } from "../../../engine/config/config-json.ts";
import { parseAnalysisConfig } from "../../../engine/config/parse-analysis-config.ts";
import { readFeatureTable } from "../../../engine/explain/feature-table.ts";
import { ParquetReader } from "../../../engine/io/parquet/parquet-reader.ts";
import {
  csvColumns,
  type FixtureCodec,
  type FixtureColumn,
  type FixtureType,
  writeParquet,
} from "../../support/parquet-writer.ts";

const CREDIT_CSV = readFileSync(new URL("../../../examples/credit/credit.csv", import.meta.url), "utf8");
const CREDIT_CONFIG = JSON.parse(
  readFileSync(new URL("../../../examples/credit/analysis_config.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

/** 400 loan decisions: blanks in both facets and in a float feature; the integer label is never blank. */
function loansCsv(): string {
  const lines = ["sex,age,income,region,approved,predicted"];
  for (let i = 0; i < 400; i++) {
    const sex = i % 37 === 0 ? "" : i % 3 === 0 ? "F" : "M";
    const age = i % 41 === 0 ? "" : String(20 + ((i * 7) % 45));
    const income = i % 29 === 0 ? "" : `${1000 + ((i * 13) % 500)}.25`;
    const region = ["north", "south", "east", "west"][i % 4];
    const approved = String((i * 5) % 7 < 3 ? 1 : 0);
    const predicted = String((i * 3) % 5 < 2 ? 1 : 0);
    lines.push([sex, age, income, region, approved, predicted].join(","));
  }
  return `${lines.join("\n")}\n`;
}

const LOANS_CONFIG = {
  version: "1.0",
  dataset_type: "text/csv",
  label: "approved",
  label_values_or_threshold: [1],
  facet: [
    { name_or_index: "sex", value_or_threshold: ["F"] },
    { name_or_index: "age", value_or_threshold: [40] },
  ],
  group_variable: "region",
  predicted_label: "predicted",
  methods: { pre_training_bias: { methods: "all" }, post_training_bias: { methods: "all" } },
};

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "parquet-analysis-"));
}

/** JSON Lines records `{"features": [...], "<label>": v, "<predicted>": v}`; blanks become null. */
function jsonLines(columns: readonly FixtureColumn[], label: string, predicted: string): string {
  const features = columns.filter((c) => c.name !== label && c.name !== predicted);
  const at = (name: string) => columns.find((c) => c.name === name) as FixtureColumn;
  const rows = (columns[0]?.data ?? []).map((_, row) =>
    JSON.stringify({
      features: features.map((c) => c.data[row]),
      [label]: at(label).data[row],
      [predicted]: at(predicted).data[row],
    }),
  );
  return `${rows.join("\n")}\n`;
}

/** The config for JSON Lines: feature names then the label as headers, label and prediction by key. */
function jsonLinesConfig(config: Record<string, unknown>, columns: readonly FixtureColumn[]) {
  const label = String(config.label);
  const predicted = String(config.predicted_label);
  const features = columns.map((c) => c.name).filter((n) => n !== label && n !== predicted);
  return {
    ...config,
    dataset_type: "application/jsonlines",
    headers: [...features, label],
    features: "features",
  };
}

async function analysisText(dataset: string, config: Record<string, unknown>): Promise<string> {
  const out = tempDir();
  await analyze({ datasetPath: dataset, config, outDir: out });
  return readFileSync(join(out, "analysis.json"), "utf8");
}

function parquetConfig(config: Record<string, unknown>): Record<string, unknown> {
  return { ...config, dataset_type: "application/x-parquet" };
}

describe("analyze on Parquet", () => {
  it.each([
    ["examples/credit/credit.csv", CREDIT_CSV, CREDIT_CONFIG, {}],
    ["a dataset with missing values and an integer label", loansCsv(), LOANS_CONFIG, { approved: "INT64" }],
  ] as const)(
    "gives the same analysis.json for %s as CSV, JSON Lines and Parquet",
    async (_, csv, config, types) => {
      // Prepare
      const dir = tempDir();
      const columns = csvColumns(csv, types as Record<string, FixtureType>);
      writeFileSync(join(dir, "data.csv"), csv);
      writeFileSync(
        join(dir, "data.jsonl"),
        jsonLines(columns, String(config.label), String(config.predicted_label)),
      );
      writeParquet(join(dir, "data.parquet"), columns, { rowGroupSize: 128 });
      // Act
      const fromCsv = await analysisText(join(dir, "data.csv"), config);
      const fromJsonLines = await analysisText(join(dir, "data.jsonl"), jsonLinesConfig(config, columns));
      const fromParquet = await analysisText(join(dir, "data.parquet"), parquetConfig(config));
      // Assess
      expect(JSON.parse(fromCsv).pre_training_bias_metrics.facets).not.toEqual({});
      expect(fromJsonLines).toBe(fromCsv);
      expect(fromParquet).toBe(fromCsv);
    },
  );

  it("gives identical results for snappy, gzip, zstd, brotli and uncompressed files", async () => {
    // Prepare
    const dir = tempDir();
    const columns = csvColumns(loansCsv(), { approved: "INT64" });
    const codecs: FixtureCodec[] = ["SNAPPY", "GZIP", "ZSTD", "BROTLI", "UNCOMPRESSED"];
    for (const codec of codecs)
      writeParquet(join(dir, `${codec}.parquet`), columns, { codec, rowGroupSize: 100 });
    // Act
    const written = codecs.map((codec) => {
      const reader = new ParquetReader(join(dir, `${codec}.parquet`));
      reader.close();
      return reader.metadata.row_groups[0]?.columns[0]?.meta_data?.codec;
    });
    const results = await Promise.all(
      codecs.map((codec) => analysisText(join(dir, `${codec}.parquet`), parquetConfig(LOANS_CONFIG))),
    );
    // Assess
    expect(written).toEqual(codecs);
    for (const result of results.slice(1)) expect(result).toBe(results[0]);
  });

  it("reads a folder of part files as the single file holding the same rows", async () => {
    // Prepare: the rows split in three parts (as Spark writes them), a _SUCCESS marker and a _temporary folder
    const dir = tempDir();
    const columns = csvColumns(CREDIT_CSV);
    writeParquet(join(dir, "whole.parquet"), columns);
    const parts = join(dir, "parts");
    mkdirSync(parts);
    const bounds = [0, 250, 700, columns[0]?.data.length ?? 0];
    for (let part = 0; part < 3; part++) {
      const slice = columns.map((c) => ({ ...c, data: c.data.slice(bounds[part], bounds[part + 1]) }));
      writeParquet(join(parts, `part-0000${part}-4f1c.snappy.parquet`), slice);
    }
    writeFileSync(join(parts, "_SUCCESS"), "");
    // A write in progress leaves its attempt under _temporary/: not data (and with other columns).
    mkdirSync(join(parts, "_temporary", "0"), { recursive: true });
    writeParquet(join(parts, "_temporary", "0", "part-00003.parquet"), [
      { name: "x", type: "INT64", data: [1] },
    ]);
    // Act
    const whole = await analysisText(join(dir, "whole.parquet"), parquetConfig(CREDIT_CONFIG));
    const fromParts = await analysisText(parts, parquetConfig(CREDIT_CONFIG));
    // Assess
    expect(fromParts).toBe(whole);
  });

  it("reads predicted labels from a separate Parquet dataset as from a column of the dataset", async () => {
    // Prepare: the loans without their prediction column, and the predictions as their own Parquet file
    const dir = tempDir();
    const columns = csvColumns(loansCsv(), { approved: "INT64" });
    writeParquet(join(dir, "whole.parquet"), columns);
    mkdirSync(join(dir, "pred"));
    writeParquet(
      join(dir, "data.parquet"),
      columns.filter((c) => c.name !== "predicted"),
    );
    writeParquet(
      join(dir, "pred", "part-0.parquet"),
      columns.filter((c) => c.name === "predicted"),
    );
    const separate = { ...parquetConfig(LOANS_CONFIG), predicted_label_dataset_uri: "s3://bucket/pred/" };
    // Act
    const whole = await analysisText(join(dir, "whole.parquet"), parquetConfig(LOANS_CONFIG));
    const out = tempDir();
    await analyze({
      datasetPath: join(dir, "data.parquet"),
      predictedLabelDatasetPath: join(dir, "pred"),
      config: separate,
      outDir: out,
    });
    // Assess
    expect(readFileSync(join(out, "analysis.json"), "utf8")).toBe(whole);
  });

  it("runs through the analyze command and says which rows it left out", async () => {
    // Prepare
    const dir = tempDir();
    writeParquet(join(dir, "loans.parquet"), csvColumns(loansCsv(), { approved: "INT64" }));
    writeFileSync(join(dir, "config.json"), JSON.stringify(parquetConfig(LOANS_CONFIG)));
    const out: string[] = [];
    const err: string[] = [];
    // Act
    const code = await main(
      [
        "analyze",
        "--dataset",
        join(dir, "loans.parquet"),
        "--config",
        join(dir, "config.json"),
        "--out",
        join(dir, "out"),
      ],
      { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) },
    );
    // Assess
    // Blank sex (every 37th row) or age (41st): 11 + 10 rows, row 0 counted once.
    // The nullable int64 column "age" with nulls is float64 to pandas, as the same CSV column would be.
    expect(err.join("").split("\n").slice(0, 2)).toEqual([
      "analysed 400 rows (20 rows with missing values left out)",
      expect.stringMatching(
        /^warning: facet column "age" holds integers and 10 missing cells: pandas reads such a column as floats/,
      ),
    ]);
    expect(code).toBe(0);
    expect(readFileSync(join(dir, "out", "analysis.json"), "utf8")).toContain('"label": "approved"');
  });

  it("fails with one line when a column the analysis uses has a type the engine does not read", async () => {
    // Prepare: the facet column holds Parquet timestamps
    const dir = tempDir();
    const { parquetWriteBuffer } = await import("hyparquet-writer");
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "joined", type: "TIMESTAMP", data: [new Date(0), new Date(86_400_000)] },
        { name: "y", type: "INT64", data: [1n, 0n] },
      ],
    });
    writeFileSync(join(dir, "data.parquet"), new Uint8Array(buffer));
    const config = {
      dataset_type: "application/x-parquet",
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "joined" }],
      methods: { pre_training_bias: { methods: ["CI"] } },
    };
    // Act
    const run = analyze({ datasetPath: join(dir, "data.parquet"), config, outDir: join(dir, "out") });
    // Assess
    await expect(run).rejects.toThrow(
      'data.parquet: column "joined" has Parquet type TIMESTAMP_MILLIS, which the engine does not read; cast it to a number or a string, or list it in excluded_columns',
    );
  });
});

describe("the explanations' feature table on Parquet", () => {
  it("holds the same features as the same rows read from CSV", () => {
    // Prepare
    const dir = tempDir();
    const csv = loansCsv();
    writeFileSync(join(dir, "data.csv"), csv);
    writeParquet(join(dir, "data.parquet"), csvColumns(csv, { approved: "INT64" }), { rowGroupSize: 64 });
    const config = (datasetType: string) =>
      parseAnalysisConfig({ ...LOANS_CONFIG, dataset_type: datasetType }).config as AnalysisConfig;
    // Act
    const fromCsv = readFeatureTable(config("text/csv"), join(dir, "data.csv"));
    const fromParquet = readFeatureTable(config("application/x-parquet"), join(dir, "data.parquet"));
    // Assess
    expect(fromParquet.rows).toBeGreaterThan(300);
    expect({ ...fromParquet, values: [...fromParquet.values], files: [] }).toEqual({
      ...fromCsv,
      values: [...fromCsv.values],
      files: [],
    });
    expect(fromParquet.files).toEqual([{ path: "data.parquet", rows: fromCsv.rows }]);
  });
});

describe("typing Parquet columns by their declared dtype", () => {
  it("types a text column of numbers as text and a pandas category of strings as categorical, as Clarify would", async () => {
    // Prepare: 200 rows; "grade" is a string column holding fractions, "tier" integers as strings
    // pandas stored as category, "rank" integers pandas stored as category
    const dir = tempDir();
    const rows = Array.from({ length: 200 }, (_, i) => i);
    writeParquet(
      join(dir, "data.parquet"),
      [
        { name: "y", type: "INT64", data: rows.map((i) => i % 2), nullable: false },
        { name: "grade", type: "STRING", data: rows.map((i) => `${i % 40}.5`) },
        { name: "tier", type: "STRING", data: rows.map((i) => String(i % 50)) },
        { name: "rank", type: "INT64", data: rows.map((i) => i % 50), nullable: false },
      ],
      {
        kvMetadata: [
          {
            key: "pandas",
            value: JSON.stringify({
              columns: [
                { name: "tier", pandas_type: "categorical" },
                { name: "rank", pandas_type: "categorical" },
              ],
            }),
          },
        ],
      },
    );
    const config = {
      dataset_type: "application/x-parquet",
      label: "y",
      label_values_or_threshold: [1],
      facet: [
        { name_or_index: "grade", value_or_threshold: ["3.5"] },
        { name_or_index: "tier", value_or_threshold: ["7"] },
        { name_or_index: "rank", value_or_threshold: [7] },
      ],
      methods: { pre_training_bias: { methods: ["CI"] } },
    };
    // Act
    await analyze({ datasetPath: join(dir, "data.parquet"), config, outDir: join(dir, "out") });
    const context = JSON.parse(readFileSync(join(dir, "out", "analysis_context.json"), "utf8")) as {
      facets: { column: string; dataType: string; why: string }[];
    };
    // Assess: read from CSV, "grade" would be float64 (continuous) and "tier" integers with 25%
    // distinct (continuous); pd.read_parquet (pandas 1.5.3, pyarrow) gives "rank" back as int64,
    // a dictionary of numbers not being read as one, so it is continuous by the 5% rule
    expect(context.facets.map(({ column, dataType, why }) => ({ column, dataType, why }))).toEqual([
      { column: "grade", dataType: "categorical", why: "text: categorical" },
      { column: "tier", dataType: "categorical", why: "a category column: categorical" },
      {
        column: "rank",
        dataType: "continuous",
        why: "integers with 25% distinct values (>= 5%): continuous",
      },
    ]);
    // smclarify's bias_report with pandas 1.5.3 on this data written by pandas (pyarrow) as Parquet
    const analysis = JSON.parse(readFileSync(join(dir, "out", "analysis.json"), "utf8")) as {
      pre_training_bias_metrics: {
        facets: Record<string, { value_or_threshold: string; metrics: { value: number }[] }[]>;
      };
    };
    const ci = Object.entries(analysis.pre_training_bias_metrics.facets).map(([facet, [group]]) => [
      facet,
      group?.value_or_threshold,
      group?.metrics[0]?.value,
    ]);
    expect(ci).toEqual([
      ["grade", "3.5", 0.95],
      ["tier", "7", 0.96],
      ["rank", "(7, 49]", -0.68],
    ]);
  });

  it("compares a category of digit strings as text, in smclarify's two steps", async () => {
    // Prepare: 200 rows; "tier" holds the strings "0", "1" and "2", stored by pandas as a category
    const dir = tempDir();
    const rows = Array.from({ length: 200 }, (_, i) => i);
    writeParquet(
      join(dir, "data.parquet"),
      [
        { name: "y", type: "INT64", data: rows.map((i) => ((i * 7 + 3) % 11 < 6 ? 1 : 0)), nullable: false },
        { name: "tier", type: "STRING", data: rows.map((i) => String((i * 13 + 5 + Math.floor(i / 6)) % 3)) },
      ],
      {
        kvMetadata: [
          {
            key: "pandas",
            value: JSON.stringify({ columns: [{ name: "tier", pandas_type: "categorical" }] }),
          },
        ],
      },
    );
    // The config as JSON text: a config float (`1.0`) is Python's float, not the integer 1
    const groupOf = async (value: string) => {
      const config = parseConfigJson(
        `{"dataset_type": "application/x-parquet", "label": "y", "label_values_or_threshold": [1], "facet": [{"name_or_index": "tier", "value_or_threshold": ${value}}], "methods": {"pre_training_bias": {"methods": ["CI", "DPL"]}}}`,
      ) as Record<string, unknown>;
      const result = await analyze({
        datasetPath: join(dir, "data.parquet"),
        config,
        outDir: join(dir, `out-${encodeURIComponent(value)}`),
        intervals: false,
        threads: { threads: 1 },
      });
      const analysis = JSON.parse(readFileSync(result.analysisPath, "utf8")) as {
        pre_training_bias_metrics: {
          facets: Record<
            string,
            { value_or_threshold: string; metrics: { value: number | null; error?: string }[] }[]
          >;
        };
      };
      const [group] = analysis.pre_training_bias_metrics.facets.tier ?? [];
      return [group?.value_or_threshold, group?.metrics.map((metric) => metric.value ?? metric.error)];
    };
    // Act
    const textAndNumber = await groupOf('["1", 2]');
    const float = await groupOf("[1.0]");
    const number = await groupOf("[2]");
    // Assess: from smclarify's bias_report with pandas 1.5.3 on the column as pd.Categorical of
    // strings: "1" equals a cell as it is, so 2 is never converted; str(1.0) is "1.0", no cell
    expect(textAndNumber).toEqual(["1,2", [0.34, -0.0006784260515603213]]);
    expect(float).toEqual([
      "1.0",
      ["CI: facet set is empty. Check that x[facet] has non-zero length.", "Facet set is empty."],
    ]);
    expect(number).toEqual(["2", [0.33, -0.010885422511502707]]);
  });
});
