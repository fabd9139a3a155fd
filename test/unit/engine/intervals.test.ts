import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { IntervalsJson, MetricInterval } from "../../../contracts/intervals.ts";
import { analyze, intervalSettings } from "../../../engine/analyze.ts";
import { EngineInputError } from "../../../engine/errors.ts";
import { binomial, EXACT_MEAN_LIMIT } from "../../../engine/intervals/binomial.ts";
import { bootstrapIntervals, type CountTables } from "../../../engine/intervals/bootstrap-intervals.ts";
import { resampleCells } from "../../../engine/intervals/multinomial.ts";
import { quantile } from "../../../engine/intervals/percentile.ts";
import type { Confusion, FacetSplitCounts } from "../../../engine/metrics/counts.ts";
import { postTrainingEntries, preTrainingEntries } from "../../../engine/metrics/evaluate-metrics.ts";
import type { AnalysisJson } from "../../../engine/output/analysis-json.ts";
import { SeededRandom } from "../../../engine/seeded-random.ts";
import { intervalsFromEnvironment } from "../../../local/clarify-container.ts";

const EXAMPLE = join(import.meta.dirname, "../../../examples/credit");
const SETTINGS = { confidence: 0.95, resamples: 1000, seed: 7 };
const PRE = ["CDDL", "CI", "DPL", "JS", "KL", "KS", "LP", "TVD"] as const;
const POST = ["AD", "CDDPL", "DAR", "DCA", "DCR", "DI", "DPPL", "DRR", "FT", "GE", "RD", "SD", "TE"] as const;

/** A facet value with 300 rows on its side and 700 on the other, in two groups. */
const SPLIT: FacetSplitCounts = {
  d: { tp: 60, fp: 30, fn: 40, tn: 170 },
  a: { tp: 200, fp: 60, fn: 80, tn: 360 },
  groups: [
    { d: { tp: 40, fp: 10, fn: 20, tn: 70 }, a: { tp: 120, fp: 20, fn: 30, tn: 130 } },
    { d: { tp: 20, fp: 20, fn: 20, tn: 100 }, a: { tp: 80, fp: 40, fn: 50, tn: 230 } },
  ],
};

function scaled(split: FacetSplitCounts, factor: number): FacetSplitCounts {
  const times = (c: Confusion): Confusion => ({
    tp: c.tp * factor,
    fp: c.fp * factor,
    fn: c.fn * factor,
    tn: c.tn * factor,
  });
  return {
    d: times(split.d),
    a: times(split.a),
    ...(split.groups && { groups: split.groups.map((g) => ({ d: times(g.d), a: times(g.a) })) }),
  };
}

/** The analysis.json a table gives, and its intervals. */
function intervalsOf(split: FacetSplitCounts, settings = SETTINGS): IntervalsJson {
  const analysis: AnalysisJson = {
    version: "1.0",
    pre_training_bias_metrics: {
      label: "y",
      label_value_or_threshold: "1",
      facets: { sex: [{ value_or_threshold: "F", metrics: preTrainingEntries(split, [...PRE]) }] },
    },
    post_training_bias_metrics: {
      label: "y",
      label_value_or_threshold: "1",
      facets: {
        sex: [{ value_or_threshold: "F", metrics: postTrainingEntries(split, [...POST], () => 0.1) }],
      },
    },
  };
  const tables: CountTables = { sex: [split] };
  return bootstrapIntervals(analysis, tables, settings);
}

function metricsOf(intervals: IntervalsJson): MetricInterval[] {
  return [
    ...(intervals.pre_training_bias_metrics?.facets.sex?.[0]?.metrics ?? []),
    ...(intervals.post_training_bias_metrics?.facets.sex?.[0]?.metrics ?? []),
  ];
}

function width(metric: MetricInterval): number {
  return Number(metric.interval?.high) - Number(metric.interval?.low);
}

describe("bootstrap intervals", () => {
  it("give every count metric an interval that contains its point value", () => {
    // Prepare / Act
    const metrics = metricsOf(intervalsOf(SPLIT));
    // Assess
    const counted = metrics.filter((m) => m.name !== "FT");
    expect(counted).toHaveLength(PRE.length + POST.length - 1);
    for (const metric of counted) {
      const value = metric.value as number;
      expect(metric.interval, metric.name).not.toBeNull();
      expect(metric.interval?.low as number, metric.name).toBeLessThanOrEqual(value);
      expect(metric.interval?.high as number, metric.name).toBeGreaterThanOrEqual(value);
      expect(metric.validResamples).toBe(1000);
    }
  });

  it("narrow as the counts grow (10x and 100x the rows)", () => {
    // Prepare
    const base = metricsOf(intervalsOf(SPLIT));
    // Act
    const tenfold = metricsOf(intervalsOf(scaled(SPLIT, 10)));
    const hundredfold = metricsOf(intervalsOf(scaled(SPLIT, 100)));
    // Assess: widths shrink with the square root of the rows (√10 ≈ 3.2 per step), give or take
    for (const metric of base.filter((m) => m.interval !== null)) {
      const at10 = tenfold.find((m) => m.name === metric.name) as MetricInterval;
      const at100 = hundredfold.find((m) => m.name === metric.name) as MetricInterval;
      expect(width(metric), metric.name).toBeGreaterThan(0);
      expect(width(at10) / width(metric), metric.name).toBeLessThan(0.45);
      expect(width(at10) / width(metric), metric.name).toBeGreaterThan(0.2);
      expect(width(at100) / width(at10), metric.name).toBeLessThan(0.45);
    }
  });

  it("match the binomial standard error for CI", () => {
    // Prepare: CI = 1 - 2 nd/n, so its standard error is 2 √(p(1-p)/n) with p = nd/n = 0.3
    const n = 1000;
    const standardError = 2 * Math.sqrt((0.3 * 0.7) / n);
    // Act
    const ci = metricsOf(intervalsOf(SPLIT)).find((m) => m.name === "CI") as MetricInterval;
    // Assess: a 95 % interval is about ±1.96 standard errors
    expect(width(ci)).toBeGreaterThan(2 * 1.8 * standardError);
    expect(width(ci)).toBeLessThan(2 * 2.1 * standardError);
  });

  it("are reproducible from the seed and change with it", () => {
    // Prepare / Act
    const first = intervalsOf(SPLIT);
    const again = intervalsOf(SPLIT);
    const other = intervalsOf(SPLIT, { ...SETTINGS, seed: 8 });
    // Assess
    expect(again).toEqual(first);
    expect(metricsOf(other)[1]?.interval).not.toEqual(metricsOf(first)[1]?.interval);
  });

  it("carry every standard level, nested, with the headline at the configured confidence", () => {
    // Prepare / Act
    const intervals = intervalsOf(SPLIT, { ...SETTINGS, confidence: 0.9 });
    const dpl = metricsOf(intervals).find((m) => m.name === "DPL") as MetricInterval;
    // Assess
    expect(intervals.confidence).toBe(0.9);
    expect(Object.keys(dpl.levels ?? {})).toEqual(["0.8", "0.9", "0.95", "0.99"]);
    expect(dpl.interval).toEqual(dpl.levels?.["0.9"]);
    const at = (level: string) => dpl.levels?.[level] as { low: number; high: number };
    expect(at("0.99").low).toBeLessThan(at("0.95").low);
    expect(at("0.95").low).toBeLessThan(at("0.8").low);
    expect(at("0.8").high).toBeLessThan(at("0.99").high);
  });

  it("give FT no interval and say why", () => {
    // Prepare / Act
    const ft = metricsOf(intervalsOf(SPLIT)).find((m) => m.name === "FT");
    // Assess
    expect(ft).toMatchObject({
      name: "FT",
      value: 0.1,
      interval: null,
      error: expect.stringContaining("FT"),
    });
  });

  it("give no interval when most resamples leave a side empty", () => {
    // Prepare: one row on the facet side: a resample misses it about 37 % of the time
    const tiny: FacetSplitCounts = { d: { tp: 0, fp: 0, fn: 0, tn: 1 }, a: SPLIT.a };
    // Act
    const metrics = metricsOf(intervalsOf({ d: tiny.d, a: tiny.a }));
    // Assess
    const ci = metrics.find((m) => m.name === "CI") as MetricInterval;
    expect(ci.interval).toBeNull();
    expect(ci.validResamples).toBeLessThan(900);
    expect(ci.error).toMatch(/only \d+ of 1000 resamples/);
  });

  it("give no interval to a metric without a value", () => {
    // Prepare: CDDL needs the groups, which this table lacks
    const ungrouped = { d: SPLIT.d, a: SPLIT.a };
    // Act
    const cddl = metricsOf(intervalsOf(ungrouped)).find((m) => m.name === "CDDL");
    // Assess
    expect(cddl).toMatchObject({ value: null, interval: null, error: expect.stringContaining("no value") });
  });
});

describe("resampling the counts", () => {
  it("keeps the total and only draws from cells that have rows", () => {
    // Prepare
    const cells = new Float64Array([5, 0, 120, 0, 1_000_000, 3]);
    const out = new Float64Array(cells.length);
    const random = new SeededRandom(1);
    for (let r = 0; r < 200; r++) {
      // Act
      resampleCells(cells, random, out);
      // Assess
      expect(out.reduce((sum, x) => sum + x, 0)).toBe(1_000_123 + 5);
      expect(out[1]).toBe(0);
      expect(out[3]).toBe(0);
      expect(out.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
  });

  it.each([
    { n: 40, p: 0.2, regime: "exact" },
    { n: 1_000_000, p: 0.00002, regime: "exact" },
    { n: 10_000, p: 0.3, regime: "normal approximation" },
    { n: 10_000, p: 0.9, regime: "normal approximation, mirrored" },
  ])("draws Binomial($n, $p) with its mean and variance ($regime)", ({ n, p }) => {
    // Prepare
    const random = new SeededRandom(3);
    const draws = 20_000;
    let sum = 0;
    let squares = 0;
    // Act
    for (let i = 0; i < draws; i++) {
      const x = binomial(n, p, random);
      sum += x;
      squares += x * x;
    }
    // Assess: within 4 standard errors of the sample mean, 5 % on the variance
    const mean = sum / draws;
    const variance = squares / draws - mean * mean;
    const expected = n * p * (1 - p);
    expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt(expected / draws));
    expect(variance / expected).toBeGreaterThan(0.95);
    expect(variance / expected).toBeLessThan(1.05);
    expect(EXACT_MEAN_LIMIT).toBe(30);
  });

  it("interpolates quantiles as numpy does", () => {
    // Prepare
    const sorted = new Float64Array([1, 2, 3, 4]);
    // Act / Assess
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 0.5)).toBe(2.5);
    expect(quantile(sorted, 1)).toBe(4);
    expect(quantile(new Float64Array([1, Number.POSITIVE_INFINITY]), 0.99)).toBe(Number.POSITIVE_INFINITY);
  });

  it("keeps a quantile between -Infinity and a finite resample at -Infinity (DCA when a group predicts no positive)", () => {
    // Prepare
    const sorted = new Float64Array([Number.NEGATIVE_INFINITY, -0.2, 0.1]);
    // Act
    const low = quantile(sorted, 0.25);
    // Assess
    expect(low).toBe(Number.NEGATIVE_INFINITY);
    expect(quantile(sorted, 0.75)).toBeCloseTo(-0.05, 12);
  });
});

describe("analyze writes intervals.json", () => {
  it("beside an analysis.json that keeps Clarify's shape", async () => {
    // Prepare
    const outDir = mkdtempSync(join(tmpdir(), "intervals-"));
    const config = JSON.parse(readFileSync(join(EXAMPLE, "analysis_config.json"), "utf8"));
    // Act
    const result = await analyze({
      datasetPath: join(EXAMPLE, "credit.csv"),
      config,
      outDir,
      intervals: { resamples: 200 },
    });
    // Assess
    expect(result.intervalsPath).toBe(join(outDir, "intervals.json"));
    const intervals = JSON.parse(readFileSync(join(outDir, "intervals.json"), "utf8")) as IntervalsJson;
    expect(intervals).toMatchObject({ version: "1", confidence: 0.95, resamples: 200 });
    const analysis = JSON.parse(readFileSync(join(outDir, "analysis.json"), "utf8")) as AnalysisJson;
    for (const stage of ["pre_training_bias_metrics", "post_training_bias_metrics"] as const) {
      for (const [facet, values] of Object.entries(analysis[stage]?.facets ?? {})) {
        values.forEach((value, index) => {
          const withIntervals = intervals[stage]?.facets[facet]?.[index];
          expect(withIntervals?.value_or_threshold).toBe(value.value_or_threshold);
          expect(withIntervals?.metrics.map((m) => [m.name, m.value])).toEqual(
            value.metrics.map((m) => [m.name, m.value]),
          );
          for (const metric of value.metrics) expect(Object.keys(metric).sort()).not.toContain("interval");
        });
      }
    }
  });

  it("writes none when turned off", async () => {
    // Prepare
    const outDir = mkdtempSync(join(tmpdir(), "intervals-"));
    const config = JSON.parse(readFileSync(join(EXAMPLE, "analysis_config.json"), "utf8"));
    // Act
    const result = await analyze({
      datasetPath: join(EXAMPLE, "credit.csv"),
      config,
      outDir,
      intervals: false,
    });
    // Assess
    expect(result.intervalsPath).toBeUndefined();
    expect(() => readFileSync(join(outDir, "intervals.json"))).toThrow();
  });

  it.each([
    [{ confidence: 1 }, "confidence: 1 must be a level between 0 and 1 (e.g. 0.95)"],
    [{ resamples: 5 }, "resamples: 5 must be a whole number from 10 to 100000"],
    [{ seed: -1 }, "seed: -1 must be a whole number from 0 to 4294967295"],
  ])("refuses the setting %j in one line", (given, message) => {
    // Act / Assess
    expect(() => intervalSettings(given)).toThrow(new EngineInputError(message));
  });
});

describe("the local container's interval settings", () => {
  it("come from the job's environment, and a wrong one is named", () => {
    // Act / Assess
    expect(
      intervalsFromEnvironment({ CLARIFY_PIPELINE_CONFIDENCE: "0.9", CLARIFY_PIPELINE_RESAMPLES: "2000" }),
    ).toEqual({ confidence: 0.9, resamples: 2000 });
    expect(intervalsFromEnvironment(undefined)).toEqual({});
    expect(() => intervalsFromEnvironment({ CLARIFY_PIPELINE_SEED: "seven" })).toThrow(
      new EngineInputError('environment CLARIFY_PIPELINE_SEED: "seven" is not a number'),
    );
  });
});
