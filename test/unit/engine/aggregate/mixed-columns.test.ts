/**
 * A label or facet column holding text and numbers is read as smclarify reads it: pandas makes
 * it an object column (every cell a string), and a configured number then equals a cell only
 * as text (`1` equals the cell `1`, never `1.0`), wherever the text cells are and however many
 * threads count the rows. A column of numbers alone is counted once.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { runBiasAnalysisOnThreads } from "../../../../engine/run-bias-analysis.ts";
import { writeParquet } from "../../../support/parquet-writer.ts";

const LABELS = ["1.0", "0", "1", "0", "1.0", "1"];
const AGES = ["30", "30.0", "40", "30", "41", "30.0", "52"];

/** 600 rows; the first holds the label `yes` and the age `unknown`, the only text cells. */
function mixedRows(): { sex: string; age: string; label: string }[] {
  const rows = [{ sex: "F", age: "unknown", label: "yes" }];
  for (let i = 1; i < 600; i++) {
    rows.push({
      sex: i % 3 === 0 ? "F" : "M",
      age: AGES[(i * 5) % AGES.length] as string,
      label: LABELS[(i * 7) % LABELS.length] as string,
    });
  }
  return rows;
}

function writeCsv(rows: readonly { sex: string; age: string; label: string }[]): string {
  const dir = mkdtempSync(join(tmpdir(), "mixed-"));
  const path = join(dir, "mixed.csv");
  writeFileSync(path, `sex,age,label\n${rows.map((r) => `${r.sex},${r.age},${r.label}`).join("\n")}\n`);
  return path;
}

/** DPL as smclarify computes it: the share of positive labels outside the facet less inside it. */
function dpl(
  rows: readonly { label: string }[],
  inFacet: (i: number) => boolean,
  positive: (label: string) => boolean,
) {
  const share = (facet: boolean) => {
    const group = rows.filter((_, i) => inFacet(i) === facet);
    return group.filter((row) => positive(row.label)).length / group.length;
  };
  return share(false) - share(true);
}

const config = (facet: Record<string, unknown>, labelValues: unknown[] = [1]) => ({
  dataset_type: "text/csv",
  label: "label",
  label_values_or_threshold: labelValues,
  facet: [facet],
  methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
});

async function analysisOn(raw: Record<string, unknown>, path: string, threads: number) {
  const outDir = mkdtempSync(join(tmpdir(), `mixed-${threads}-`));
  const result = await analyze({
    datasetPath: path,
    config: raw,
    outDir,
    threads: { threads, minBytesPerThread: 0 },
    intervals: false,
  });
  return { threads: result.threads, analysis: readFileSync(result.analysisPath, "utf8") };
}

function metric(analysis: string, name: string): number {
  const json = JSON.parse(analysis) as {
    pre_training_bias_metrics: { facets: Record<string, { metrics: { name: string; value: number }[] }[]> };
  };
  const facet = Object.values(json.pre_training_bias_metrics.facets)[0]?.[0];
  return facet?.metrics.find((m) => m.name === name)?.value as number;
}

describe("a matched column of text and numbers", () => {
  it("reads a label column of text and numbers as text, the same on 1, 2 and 3 threads", async () => {
    // Prepare
    const rows = mixedRows();
    const path = writeCsv(rows);
    const raw = config({ name_or_index: "sex", value_or_threshold: ["F"] });
    // smclarify: no string cell equals the number 1, so 1 is converted to the text "1".
    const expected = dpl(
      rows,
      (i) => rows[i]?.sex === "F",
      (label) => label === "1",
    );

    // Act
    const one = await analysisOn(raw, path, 1);
    const two = await analysisOn(raw, path, 2);
    const three = await analysisOn(raw, path, 3);

    // Assess
    expect([one.threads, two.threads, three.threads]).toEqual([1, 2, 3]);
    expect(two.analysis).toBe(one.analysis);
    expect(three.analysis).toBe(one.analysis);
    expect(metric(one.analysis, "DPL")).toBeCloseTo(expected, 12);
    expect(expected).not.toBe(0);
  }, 60_000);

  it("reads a facet column of text and numbers as text, the same on 1, 2 and 3 threads", async () => {
    // Prepare
    const rows = mixedRows();
    const path = writeCsv(rows);
    const raw = config({ name_or_index: "age", value_or_threshold: [30] }, ["1", "1.0"]);
    const expected = dpl(
      rows,
      (i) => rows[i]?.age === "30",
      (label) => label === "1" || label === "1.0",
    );

    // Act
    const one = await analysisOn(raw, path, 1);
    const two = await analysisOn(raw, path, 2);
    const three = await analysisOn(raw, path, 3);

    // Assess
    expect(two.analysis).toBe(one.analysis);
    expect(three.analysis).toBe(one.analysis);
    expect(metric(one.analysis, "DPL")).toBeCloseTo(expected, 12);
  }, 60_000);

  it("compares only the text values when some cell equals one of them (smclarify's first step)", async () => {
    // Prepare: "yes" equals a cell as it is, so the number 1 is never converted to text.
    const rows = mixedRows();
    const path = writeCsv(rows);
    const raw = config({ name_or_index: "sex", value_or_threshold: ["F"] }, ["yes", 1]);
    const expected = dpl(
      rows,
      (i) => rows[i]?.sex === "F",
      (label) => label === "yes",
    );

    // Act
    const one = await analysisOn(raw, path, 1);
    const two = await analysisOn(raw, path, 2);

    // Assess
    expect(two.analysis).toBe(one.analysis);
    expect(metric(one.analysis, "DPL")).toBeCloseTo(expected, 12);
  }, 60_000);

  it("counts a column of numbers alone once, and a mixed one twice", async () => {
    // Prepare
    const rows = mixedRows();
    // Integers alone (pandas: int64, categorical here): compared as numbers, 1 equals the cell "1".
    const integers = rows.slice(1).map((row) => ({ ...row, label: row.label === "1.0" ? "1" : row.label }));
    const numeric = writeCsv(integers);
    const mixed = writeCsv(rows);
    const raw = config({ name_or_index: "sex", value_or_threshold: ["F"] });
    const { parseAnalysisConfig } = await import("../../../../engine/config/parse-analysis-config.ts");
    const parsed = parseAnalysisConfig(raw).config;
    if (parsed === undefined) throw new Error("the config does not parse");

    // Act
    const once = await runBiasAnalysisOnThreads(parsed, numeric, undefined, { threads: 1 });
    const twice = await runBiasAnalysisOnThreads(parsed, mixed, undefined, {
      threads: 2,
      minBytesPerThread: 0,
    });

    // Assess
    expect(once.countPasses).toBe(1);
    expect(twice.countPasses).toBe(2);
    expect(metric(JSON.stringify(once.analysis), "DPL")).toBeCloseTo(
      dpl(
        integers,
        (i) => integers[i]?.sex === "F",
        (label) => label === "1",
      ),
      12,
    );
  }, 60_000);

  it("reads a Parquet string column of numbers as text, as pandas holds it", async () => {
    // Prepare: the label is a string column (pandas: object) whose cells are all numbers.
    const rows = mixedRows().slice(1);
    const dir = mkdtempSync(join(tmpdir(), "mixed-parquet-"));
    const path = join(dir, "mixed.parquet");
    writeParquet(path, [
      { name: "sex", type: "STRING", data: rows.map((row) => row.sex) },
      { name: "label", type: "STRING", data: rows.map((row) => row.label) },
    ]);
    const raw = {
      ...config({ name_or_index: "sex", value_or_threshold: ["F"] }),
      dataset_type: "application/x-parquet",
    };
    const expected = dpl(
      rows,
      (i) => rows[i]?.sex === "F",
      (label) => label === "1",
    );

    // Act
    const one = await analysisOn(raw, path, 1);

    // Assess
    expect(metric(one.analysis, "DPL")).toBeCloseTo(expected, 12);
    expect(expected).not.toBeCloseTo(
      dpl(
        rows,
        (i) => rows[i]?.sex === "F",
        (label) => label === "1" || label === "1.0",
      ),
      3,
    );
  }, 60_000);

  it("reads a predicted label column of text and numbers as text, the same on 1 and 3 threads", async () => {
    // Prepare: the label is integers alone; the predicted label has a text cell first, then 1.0 / 1 / 0.
    const rows = mixedRows().map((row, i) => ({ ...row, label: i % 4 === 0 ? "1" : "0" }));
    const predicted = rows.map((row, i) =>
      i === 0 ? "unknown" : (LABELS[(row.age.length + i) % LABELS.length] as string),
    );
    const dir = mkdtempSync(join(tmpdir(), "mixed-predicted-"));
    const path = join(dir, "predicted.csv");
    writeFileSync(
      path,
      `sex,label,predicted\n${rows.map((row, i) => `${row.sex},${row.label},${predicted[i]}`).join("\n")}\n`,
    );
    const raw = {
      ...config({ name_or_index: "sex", value_or_threshold: ["F"] }),
      predicted_label: "predicted",
      methods: { post_training_bias: { methods: ["DPPL"] } },
    };
    // DPPL: the share of positive predictions outside the facet less inside it; "1" only, as text.
    const share = (facet: boolean) => {
      const group = predicted.filter((_, i) => (rows[i]?.sex === "F") === facet);
      return group.filter((cell) => cell === "1").length / group.length;
    };

    // Act
    const one = await analysisOn(raw, path, 1);
    const three = await analysisOn(raw, path, 3);

    // Assess
    expect(three.threads).toBe(3);
    expect(three.analysis).toBe(one.analysis);
    const dppl = (
      JSON.parse(one.analysis) as {
        post_training_bias_metrics: {
          facets: Record<string, { metrics: { name: string; value: number }[] }[]>;
        };
      }
    ).post_training_bias_metrics.facets.sex?.[0]?.metrics.find((m) => m.name === "DPPL")?.value;
    expect(dppl).toBeCloseTo(share(false) - share(true), 12);
  }, 60_000);
});
