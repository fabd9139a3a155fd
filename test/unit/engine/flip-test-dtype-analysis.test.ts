/**
 * scikit-learn breaks FT's distance ties by the dtype of smclarify's feature matrix, which pandas
 * takes from how the CSV writes the numbers: `1` makes an int64 column, `1.0` a float64 one. With
 * 10 advantaged rows scikit-learn's k=5 search is brute force, and on int64 it keeps NumPy
 * argpartition's rows, on float64 its heap's (the first rows). Expected values: smclarify's
 * bias_report on these files (scikit-learn 1.2.1).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../engine/analyze.ts";
import { csvColumns, writeParquet } from "../../support/parquet-writer.ts";

/**
 * Advantaged M rows x = 5, then nine at 1; the F row at x = 0 ties with all nine. float64: rows
 * 1-5 (three "yes") → neighbours positive, model "no": F−, FT = −1. int64: rows 4 and 6-9 (no
 * "yes") → agree, FT = 0.
 */
function rows(spell: (x: number) => string): string[] {
  const predicted = ["no", "yes", "yes", "yes", "no", "no", "no", "no", "no", "no"];
  return [
    "sex,x,y,yhat",
    ...predicted.map((p, i) => `M,${spell(i === 0 ? 5 : 1)},${p},${p}`),
    `F,${spell(0)},no,no`,
  ];
}

const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: ["yes"],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  predicted_label: "yhat",
  methods: { post_training_bias: { methods: ["FT"] } },
};

async function analyzeLines(lines: readonly string[], threads: number) {
  const dir = mkdtempSync(join(tmpdir(), "flip-test-dtype-"));
  const datasetPath = join(dir, "data.csv");
  writeFileSync(datasetPath, `${lines.join("\n")}\n`);
  return analyzeFile(datasetPath, CONFIG, threads);
}

async function analyzeFile(datasetPath: string, config: Record<string, unknown>, threads: number) {
  const dir = mkdtempSync(join(tmpdir(), "flip-test-dtype-out-"));
  const result = await analyze({
    datasetPath,
    config,
    outDir: join(dir, "out"),
    threads: { threads, minBytesPerThread: 0 },
    intervals: false,
  });
  const analysis = JSON.parse(readFileSync(result.analysisPath, "utf8")) as {
    post_training_bias_metrics: {
      facets: Record<string, { metrics: { name: string; value: number | null }[] }[]>;
    };
  };
  const context = JSON.parse(readFileSync(result.contextPath, "utf8")) as { warnings: { code: string }[] };
  return {
    ft: analysis.post_training_bias_metrics.facets.sex?.[0]?.metrics.find((m) => m.name === "FT")?.value,
    warnings: context.warnings.map((w) => w.code),
  };
}

async function flipTestOf(lines: readonly string[], threads: number): Promise<number | null | undefined> {
  return (await analyzeLines(lines, threads)).ft;
}

/** 320 M rows and 20 F rows (every 17th) of 16 features 0 or 1, written as integers or as floats. */
function wideRows(spell: (x: number) => string): string[] {
  let state = 7;
  const bit = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 31;
  };
  const header = ["sex", ...Array.from({ length: 16 }, (_, j) => `f${j}`), "y", "yhat"].join(",");
  return [
    header,
    ...Array.from({ length: 340 }, (_, r) => {
      const p = bit() ? "yes" : "no";
      return [r % 17 === 0 ? "F" : "M", ...Array.from({ length: 16 }, () => spell(bit())), p, p].join(",");
    }),
  ];
}
describe("FT ties by the features' dtype", () => {
  it("takes a Parquet column's dtype from its schema: INT64 and DOUBLE of the same numbers", async () => {
    // Prepare: rows(...) as Parquet, x written as INT64 or as DOUBLE (pandas: int64 / float64)
    const dir = mkdtempSync(join(tmpdir(), "flip-test-dtype-parquet-"));
    const columns = (type: "INT64" | "DOUBLE") =>
      csvColumns(rows((x) => String(x)).join("\n"), { x: type, sex: "STRING", y: "STRING", yhat: "STRING" });
    writeParquet(join(dir, "int64.parquet"), columns("INT64"));
    writeParquet(join(dir, "double.parquet"), columns("DOUBLE"));
    const config = { ...CONFIG, dataset_type: "application/x-parquet" };
    // Act
    const int64 = await analyzeFile(join(dir, "int64.parquet"), config, 1);
    const float64 = await analyzeFile(join(dir, "double.parquet"), config, 1);
    // Assess: as the CSV spellings `1` and `1.0`
    expect(int64.ft).toBe(0);
    expect(float64.ft).toBe(-1);
  });

  it("warns that Clarify's FT depends on its cores for over 15 float64 features with ties", async () => {
    // Prepare
    const floats = wideRows((x) => `${x}.0`);
    const integers = wideRows((x) => String(x));
    // Act
    const float64 = await analyzeLines(floats, 1);
    const int64 = await analyzeLines(integers, 1);
    // Assess
    expect(float64.warnings).toContain("FT_TIES_DEPEND_ON_THREADS");
    expect(int64.warnings).not.toContain("FT_TIES_DEPEND_ON_THREADS");
  });

  for (const threads of [1, 2]) {
    it(`keeps scikit-learn's rows for an int64 and a float64 column (${threads} thread(s))`, async () => {
      // Prepare
      const integers = rows((x) => String(x));
      const floats = rows((x) => `${x}.0`);
      // Act
      const int64 = await flipTestOf(integers, threads);
      const float64 = await flipTestOf(floats, threads);
      // Assess
      expect(int64).toBe(0);
      expect(float64).toBe(-1);
    });

    it(`reads an integer column with a missing cell in a row left out as float64 (${threads} thread(s))`, async () => {
      // Prepare: the int64 rows, and a row left out for its missing facet value whose x is missing
      // too (pandas: x is float64, FT -1 from smclarify) or 1 (x stays int64, FT 0)
      const integers = rows((x) => String(x));
      const missingX = [...integers, ",,no,no"];
      const presentX = [...integers, ",1,no,no"];
      // Act
      const float64 = await flipTestOf(missingX, threads);
      const int64 = await flipTestOf(presentX, threads);
      // Assess
      expect(float64).toBe(-1);
      expect(int64).toBe(0);
    });
  }
});
