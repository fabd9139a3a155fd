import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../../bin/cli/main.ts";
import type { AnalysisJson } from "../../../engine/analyze.ts";
import { parseAnalysisConfig } from "../../../engine/config/parse-analysis-config.ts";
import { runBiasAnalysis } from "../../../engine/run-bias-analysis.ts";

/**
 * The five-row table of metrics.test.ts, plus a row with a missing label that must be left out.
 * Clarify reads its label as continuous (a 0/1 column with a missing cell is floats to pandas),
 * so the positive label 1 is configured as the threshold 0.
 */
const TABLE = "sex,age,y,yhat,g\nF,30,1,1,a\nF,40,0,1,a\nM,50,1,1,b\nM,20,0,0,b\nM,35,1,0,a\nF,41,,1,a\n";
const PRE_CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [0],
  facet: [
    { name_or_index: "sex", value_or_threshold: ["F"] },
    { name_or_index: "age", value_or_threshold: [30] },
  ],
  group_variable: "g",
  methods: { pre_training_bias: { methods: ["CI", "DPL", "CDDL"] } },
};

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "analyze-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function runAnalyze(dir: string, config: unknown, dataset = "data.csv", flags: readonly string[] = []) {
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    [
      "analyze",
      "--dataset",
      join(dir, dataset),
      "--config",
      join(dir, "config.json"),
      "--out",
      join(dir, "out"),
      ...flags,
    ],
    { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) },
  );
  return { code, out: out.join(""), err: err.join("") };
}

type Stage = "pre_training_bias_metrics" | "post_training_bias_metrics";

function metric(analysis: AnalysisJson, stage: Stage, facet: string, index: number, name: string) {
  return analysis[stage]?.facets[facet]?.[index]?.metrics.find((m) => m.name === name);
}

describe("clarify-pipeline analyze", () => {
  it("writes analysis.json in Clarify's layout and report.html", async () => {
    // Prepare
    const dir = workspace({ "data.csv": TABLE });
    // Act
    const { code, err } = await runAnalyze(dir, PRE_CONFIG);
    // Assess: the missing-label row is left out, the five remaining rows give CI = (3-2)/5,
    // DPL = 2/3 - 1/2, CDDL = 0.3 (see metrics.test.ts); age > 30 is the continuous facet (40, 50, 35)
    expect(code).toBe(0);
    expect(err).toContain("analysed 6 rows (1 rows with missing values left out)");
    const analysis = JSON.parse(readFileSync(join(dir, "out", "analysis.json"), "utf8"));
    expect(analysis.version).toBe("1.0");
    expect(analysis.pre_training_bias_metrics.label).toBe("y");
    expect(analysis.pre_training_bias_metrics.label_value_or_threshold).toBe("(0.0, 1.0]");
    expect(analysis.pre_training_bias_metrics.facets.sex[0].value_or_threshold).toBe("F");
    expect(metric(analysis, "pre_training_bias_metrics", "sex", 0, "CI")?.value as number).toBeCloseTo(
      0.2,
      12,
    );
    expect(metric(analysis, "pre_training_bias_metrics", "sex", 0, "DPL")?.value as number).toBeCloseTo(
      1 / 6,
      12,
    );
    expect(metric(analysis, "pre_training_bias_metrics", "sex", 0, "CDDL")?.value as number).toBeCloseTo(
      0.3,
      12,
    );
    expect(analysis.pre_training_bias_metrics.facets.age[0].value_or_threshold).toBe("(30, 50]");
    // age > 30: d = {40 (y0), 50 (y1), 35 (y1)}, a = {30 (y1), 20 (y0)}: CI = (2 - 3) / 5
    expect(metric(analysis, "pre_training_bias_metrics", "age", 0, "CI")?.value as number).toBeCloseTo(
      -0.2,
      12,
    );
    expect(readFileSync(join(dir, "out", "report.html"), "utf8")).toContain("<html");
  });

  it("analyses each facet value in turn when value_or_threshold is absent", async () => {
    // Prepare
    const dir = workspace({ "data.csv": TABLE });
    const config = { ...PRE_CONFIG, facet: [{ name_or_index: 0 }] };
    // Act
    const { code } = await runAnalyze(dir, config);
    // Assess: F then M in order of appearance; CI(M) = (2 - 3) / 5
    expect(code).toBe(0);
    const analysis = JSON.parse(readFileSync(join(dir, "out", "analysis.json"), "utf8"));
    expect(
      analysis.pre_training_bias_metrics.facets.sex.map(
        (f: { value_or_threshold: string }) => f.value_or_threshold,
      ),
    ).toEqual(["F", "M"]);
    expect(metric(analysis, "pre_training_bias_metrics", "sex", 1, "CI")?.value as number).toBeCloseTo(
      -0.2,
      12,
    );
  });

  it("reports a degenerate facet value with null and the reason", async () => {
    // Prepare
    const dir = workspace({ "data.csv": TABLE });
    const config = { ...PRE_CONFIG, facet: [{ name_or_index: "sex", value_or_threshold: ["X"] }] };
    // Act
    const { code } = await runAnalyze(dir, config);
    // Assess
    expect(code).toBe(0);
    const analysis = JSON.parse(readFileSync(join(dir, "out", "analysis.json"), "utf8"));
    expect(metric(analysis, "pre_training_bias_metrics", "sex", 0, "CI")).toMatchObject({
      value: null,
      error: expect.stringContaining("facet set is empty"),
    });
  });

  it.each([
    [{ ...PRE_CONFIG, label: "target" }, 'error: $.label: column "target" is not in the dataset'],
    [
      { ...PRE_CONFIG, label_values_or_threshold: ["yes"] },
      'label_values_or_threshold: Clarify reads label column "y" as continuous (integers with missing values, which pandas reads as floats: continuous), so it must be a single numeric threshold, got ["yes"]',
    ],
    [
      { ...PRE_CONFIG, predicted_label: "yhat", methods: { ...PRE_CONFIG.methods, shap: {} } },
      "methods.shap needs a model to explain: pass --model model.onnx or --model-endpoint URL",
    ],
    [
      {
        ...PRE_CONFIG,
        predictor: { endpoint_name: "credit-model" },
        methods: { post_training_bias: { methods: "all" } },
      },
      "needs a live model: run this analysis on AWS",
    ],
    [{ ...PRE_CONFIG, facet: [] }, "$.facet: [] is not a non-empty list"],
  ])("fails with exit 1 and one clear message on bad input (%#)", async (config, message) => {
    // Prepare
    const dir = workspace({ "data.csv": TABLE });
    // Act
    const { code, err } = await runAnalyze(dir, config);
    // Assess
    expect(code).toBe(1);
    expect(err).toContain(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it("reads CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD from the environment, as a processing job does", async () => {
    // Prepare: 400 rows, far below the default bytes per thread
    const rows = Array.from(
      { length: 400 },
      (_, i) => `${i % 3 ? "F" : "M"},${20 + (i % 50)},${i % 2},${i % 5 ? 1 : 0},a`,
    );
    const dir = workspace({ "data.csv": `sex,age,y,yhat,g\n${rows.join("\n")}\n` });
    vi.stubEnv("CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD", "0");
    try {
      // Act
      const split = await runAnalyze(dir, PRE_CONFIG, "data.csv", ["--threads", "2"]);
      vi.stubEnv("CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD", "-1");
      const refused = await runAnalyze(dir, PRE_CONFIG, "data.csv", ["--threads", "2"]);

      // Assess
      expect(split.code).toBe(0);
      expect(split.err).toContain("analysed 400 rows on 2 threads");
      expect(refused.code).not.toBe(0);
      expect(refused.err).toContain(
        'environment CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD: "-1" must be a whole number of at least 0',
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("names the line of a row with the wrong number of fields", async () => {
    // Prepare
    const dir = workspace({ "data.csv": "sex,age,y,yhat,g\nF,30,1,1,a\nM,20,0\n" });
    // Act
    const { code, err } = await runAnalyze(dir, PRE_CONFIG);
    // Assess
    expect(code).toBe(1);
    expect(err).toBe("error: data.csv line 3: has 3 fields, expected 5 like the header\n");
  });
});

describe("runBiasAnalysis inputs", () => {
  const postConfig = {
    dataset_type: "text/csv",
    label: "y",
    // Five 0/1 rows: 40% distinct values, so Clarify reads a threshold; above 0 means 1.
    label_values_or_threshold: [0],
    facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
    methods: { post_training_bias: { methods: ["DPPL", "DI"] } },
  };

  it("reads headerless CSV files of a folder in name order, with predicted labels from a separate dataset", () => {
    // Prepare: the rows of TABLE split over two headerless files; predictions in their own folder
    const dir = workspace({
      "data/part-2.csv": "M,20,0,b\nM,35,1,a\n",
      "data/part-1.csv": "F,30,1,a\nF,40,0,a\nM,50,1,b\n",
      "pred/p.csv": "1\n1\n1\n0\n0\n",
    });
    const { config } = parseAnalysisConfig({
      ...postConfig,
      headers: ["sex", "age", "y", "g"],
      predicted_label_dataset_uri: "s3://bucket/pred/",
      predicted_label_headers: ["yhat"],
      predicted_label: "yhat",
    });
    // Act
    const result = runBiasAnalysis(config as never, join(dir, "data"), join(dir, "pred"));
    // Assess: q̂a = 1/3, q̂d = 2/2 → DPPL = -2/3, DI = 3
    const metrics = result.analysis.post_training_bias_metrics?.facets.sex?.[0]?.metrics ?? [];
    expect(metrics.map((m) => m.name)).toEqual(["DI", "DPPL"]);
    expect(metrics[0]?.value).toBeCloseTo(3, 12);
    expect(metrics[1]?.value).toBeCloseTo(-2 / 3, 12);
  });

  it("reads JSON Lines records with features, label and predicted label paths", () => {
    // Prepare: the same five rows as JSON Lines
    const lines = [
      ["F", 30, 1, 1],
      ["F", 40, 0, 1],
      ["M", 50, 1, 1],
      ["M", 20, 0, 0],
      ["M", 35, 1, 0],
    ].map(([sex, age, y, yhat]) =>
      JSON.stringify({ features: [sex, age], label: y, prediction: { label: yhat } }),
    );
    const dir = workspace({ "data.jsonl": `${lines.join("\n")}\n` });
    const { config } = parseAnalysisConfig({
      ...postConfig,
      dataset_type: "application/jsonlines",
      headers: ["sex", "age", "y"],
      features: "features",
      label: "label",
      predicted_label: "prediction.label",
    });
    // Act
    const result = runBiasAnalysis(config as never, join(dir, "data.jsonl"));
    // Assess
    const metrics = result.analysis.post_training_bias_metrics?.facets.sex?.[0]?.metrics ?? [];
    expect(metrics[1]?.value).toBeCloseTo(-2 / 3, 12);
  });

  it("turns scores into predictions with probability_threshold", () => {
    // Prepare: scores above 0.5 are positive: F: 0.9, 0.7 → 2/2; M: 0.6, 0.2, 0.4 → 1/3
    const dir = workspace({ "data.csv": "sex,y,score\nF,1,0.9\nF,0,0.7\nM,1,0.6\nM,0,0.2\nM,1,0.4\n" });
    const { config } = parseAnalysisConfig({
      ...postConfig,
      predicted_label: "score",
      probability_threshold: 0.5,
    });
    // Act
    const result = runBiasAnalysis(config as never, join(dir, "data.csv"));
    // Assess: DPPL = 1/3 - 1
    const metrics = result.analysis.post_training_bias_metrics?.facets.sex?.[0]?.metrics ?? [];
    expect(metrics[1]?.value).toBeCloseTo(-2 / 3, 12);
  });
});
