/**
 * `analyze` types CSV columns by the numbers pandas' CSV reader sees: hexadecimal-looking IDs
 * are text (pandas reads `0x1F` as a string, so the column is object: categorical), and `inf`,
 * `-INF`, `Infinity` in any letter case are float infinities (the column is float64:
 * continuous). The expected counts are worked out by hand from those readings.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AnalysisContext } from "../../../contracts/analysis-context.ts";
import { analyze } from "../../../engine/analyze.ts";
import { writeParquet } from "../../support/parquet-writer.ts";

interface FacetMetrics {
  facets: Record<
    string,
    { value_or_threshold: string; metrics: { name: string; value: number | null; error?: string }[] }[]
  >;
}

interface Analysis {
  pre_training_bias_metrics: FacetMetrics;
  post_training_bias_metrics: FacetMetrics;
}

async function analysed(config: Record<string, unknown>, lines: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), "number-grammar-"));
  const datasetPath = join(dir, "data.csv");
  writeFileSync(datasetPath, `${lines.join("\n")}\n`);
  return analysedFile(config, datasetPath);
}

async function analysedFile(config: Record<string, unknown>, datasetPath: string) {
  const dir = mkdtempSync(join(tmpdir(), "number-grammar-"));
  const result = await analyze({
    datasetPath,
    config,
    outDir: join(dir, "out"),
    threads: { threads: 1 },
    intervals: false,
  });
  return {
    analysis: JSON.parse(readFileSync(result.analysisPath, "utf8")) as Analysis,
    context: JSON.parse(readFileSync(result.contextPath, "utf8")) as AnalysisContext,
  };
}

function metric(analysis: Analysis, facet: string, name: string): number | null | undefined {
  return analysis.pre_training_bias_metrics.facets[facet]?.[0]?.metrics.find((m) => m.name === name)?.value;
}

describe("analyze reads CSV numbers as pandas does", () => {
  it("types a facet of hexadecimal-looking IDs as text: categorical, matched by value", async () => {
    // Prepare: 0x1F has 3 rows (2 approved), the other branches 5 rows (1 approved).
    const lines = [
      "branch,approved",
      "0x1F,yes",
      "0x1F,no",
      "0x1F,yes",
      "0x2A,no",
      "0x2A,yes",
      "0x0A,no",
      "0x0A,no",
      "0x2A,no",
    ];
    const config = {
      dataset_type: "text/csv",
      label: "approved",
      label_values_or_threshold: ["yes"],
      facet: [{ name_or_index: "branch", value_or_threshold: ["0x1F"] }],
      methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
    };

    // Act
    const { analysis, context } = await analysed(config, lines);

    // Assess
    expect(context.facets[0]).toMatchObject({ column: "branch", dataType: "categorical" });
    expect(context.facets[0]?.groups[0]).toMatchObject({
      valueOrThreshold: "0x1F",
      facet: { rows: 3, labelPositive: 2 },
      others: { rows: 5, labelPositive: 1 },
    });
    expect(analysis.pre_training_bias_metrics.facets.branch?.[0]?.value_or_threshold).toBe("0x1F");
    // CI = (na - nd) / n; DPL = qa - qd.
    expect(metric(analysis, "branch", "CI")).toBeCloseTo((5 - 3) / 8, 12);
    expect(metric(analysis, "branch", "DPL")).toBeCloseTo(1 / 5 - 2 / 3, 12);
  });

  it("types a label holding inf and -INF as floats: continuous, infinity above the threshold", async () => {
    // Prepare: score > 1 is positive; F has 1 of 4 (inf), M 3 of 6 (INFINITY, +Inf, 1.5).
    const lines = [
      "sex,score",
      "F,inf",
      "F,0.5",
      "F,-INF",
      "F,0.25",
      "M,INFINITY",
      "M,0.75",
      "M,-Infinity",
      "M,0.125",
      "M,+Inf",
      "M,1.5",
    ];
    const config = {
      dataset_type: "text/csv",
      label: "score",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
      methods: { pre_training_bias: { methods: ["DPL"] } },
    };

    // Act
    const { analysis, context } = await analysed(config, lines);

    // Assess
    expect(context.label).toMatchObject({
      column: "score",
      dataType: "continuous",
      positive: { threshold: 1 },
    });
    expect(context.facets[0]?.groups[0]).toMatchObject({
      facet: { rows: 4, labelPositive: 1 },
      others: { rows: 6, labelPositive: 3 },
    });
    expect(metric(analysis, "sex", "DPL")).toBeCloseTo(3 / 6 - 1 / 4, 12);
    expect(context.warnings.map((w) => w.code)).not.toContain("LABEL_NO_POSITIVE");
  });

  it("reads a Parquet float column's infinities (cell text `inf`, `-inf`) as numbers, as pandas does", async () => {
    // Prepare: the label of the test above as a Parquet DOUBLE column.
    const dir = mkdtempSync(join(tmpdir(), "number-grammar-"));
    const datasetPath = join(dir, "data.parquet");
    const inf = Number.POSITIVE_INFINITY;
    writeParquet(datasetPath, [
      { name: "sex", type: "STRING", data: ["F", "F", "F", "F", "M", "M", "M", "M", "M", "M"] },
      { name: "score", type: "DOUBLE", data: [inf, 0.5, -inf, 0.25, inf, 0.75, -inf, 0.125, inf, 1.5] },
    ]);
    const config = {
      dataset_type: "application/x-parquet",
      label: "score",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
      methods: { pre_training_bias: { methods: ["DPL"] } },
    };

    // Act
    const { analysis, context } = await analysedFile(config, datasetPath);

    // Assess
    expect(context.facets[0]?.groups[0]).toMatchObject({
      facet: { rows: 4, labelPositive: 1 },
      others: { rows: 6, labelPositive: 3 },
    });
    expect(metric(analysis, "sex", "DPL")).toBeCloseTo(3 / 6 - 1 / 4, 12);
  });

  it("leaves a feature of hexadecimal-looking codes out of FT's numbers: Clarify's non-numeric refusal", async () => {
    // Prepare: the only feature besides facet, label and prediction holds hexadecimal codes.
    const codes = ["0x10", "0x20", "0x30", "0x1A"];
    const lines = ["sex,code,y,yhat"];
    for (let i = 0; i < 24; i++) {
      lines.push(`${i % 2 ? "F" : "M"},${codes[i % 4]},${i % 3 ? "yes" : "no"},${i % 5 ? "yes" : "no"}`);
    }
    const config = {
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: ["yes"],
      predicted_label: "yhat",
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
      methods: { post_training_bias: { methods: ["FT"] } },
    };

    // Act
    const { analysis } = await analysed(config, lines);

    // Assess
    expect(analysis.post_training_bias_metrics.facets.sex?.[0]?.metrics).toEqual([
      {
        name: "FT",
        description: "Flip Test (FT)",
        value: null,
        error: "FlipTest does not support non-numeric columns",
      },
    ]);
  });
});
