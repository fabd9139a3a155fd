import { describe, expect, it } from "vitest";
import { baselineColumn, trendColumn } from "../../../engine/report/history-columns.ts";
import { renderReport } from "../../../engine/report/render-report.ts";
import { renderTrendChart } from "../../../engine/report/trend-chart.ts";

const ANALYSIS = {
  version: "1.0",
  post_training_bias_metrics: {
    label: "approved",
    label_value_or_threshold: "1",
    facets: {
      sex: [
        {
          value_or_threshold: "F",
          metrics: [
            { name: "DI", description: "Disparate Impact (DI)", value: 0.7 },
            { name: "DPPL", description: "DPPL", value: 0.1 },
          ],
        },
      ],
    },
  },
};
const WHERE = { stage: "post_training" as const, facet: "sex", facetValue: "F" };
const DI = { code: "DI", description: "", value: 0.7, error: undefined };

describe("the trend chart", () => {
  it("draws the earlier values and this run's, with a text alternative listing them", () => {
    // Act
    const svg = renderTrendChart(
      "DI",
      [
        { when: "2026-11-01T06:00:00.000Z", value: 0.95, passed: true },
        { when: "2026-11-08T06:00:00.000Z", value: 0.82, passed: false },
      ],
      0.7,
      1,
    );
    // Assess
    expect(svg).toContain(
      'aria-label="DI over the last 3 runs, oldest first: 0.95 (2026-11-01), 0.82 (2026-11-08), 0.7 (this run); ideal 1"',
    );
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('class="t-pass"');
    expect(svg).toContain('class="t-fail"');
    expect(svg).toMatch(/<polyline class="t-line" points="4,\d+(\.\d)? 70,\d+(\.\d)? 136,28"\/>/);
  });
});

describe("the history columns", () => {
  it("show the baseline beside the value with the drift a maxDrift gate measured", () => {
    // Prepare
    const column = baselineColumn(
      () => 0.9,
      () => 0.2,
      "run credit-1",
    );
    // Act
    const cell = column.cell(DI, WHERE);
    // Assess
    expect(column.header).toBe("baseline");
    expect(cell).toBe(
      '<span title="run credit-1">0.9</span> <span class="m-drift">drift +0.2 (further from the ideal)</span>',
    );
  });

  it("leave a value without a baseline or an earlier run out of the row", () => {
    // Prepare
    const baseline = baselineColumn(
      () => undefined,
      () => undefined,
      "x",
    );
    const trend = trendColumn(() => undefined);
    // Act
    const html = renderReport(ANALYSIS, { metricColumns: [baseline, trend] });
    // Assess
    expect(html).not.toContain(`class="m-extra"`);
  });

  it("draw a trend only where earlier values exist", () => {
    // Prepare
    const trend = trendColumn((_where, code) =>
      code === "DI" ? [{ when: "2026-11-01T06:00:00.000Z", value: 0.9, passed: true }] : undefined,
    );
    // Act
    const html = renderReport(ANALYSIS, { metricColumns: [trend] });
    // Assess
    expect(html.match(/<svg class="trend"/g)).toHaveLength(1);
  });
});

describe("intervals in the report", () => {
  it("draw each value's interval as an error bar and write it under the value", () => {
    // Prepare
    const intervals = {
      version: "1",
      confidence: 0.9,
      post_training_bias_metrics: {
        facets: {
          sex: [
            {
              value_or_threshold: "F",
              metrics: [
                { name: "DI", value: 0.7, interval: { low: 0.6, high: 0.8 } },
                { name: "DPPL", value: 0.1, interval: null, error: "no interval" },
              ],
            },
          ],
        },
      },
    };
    // Act
    const html = renderReport(ANALYSIS, { intervals });
    // Assess
    expect(html.match(/<span class="interval" style="left:[\d.]+%;width:[\d.]+%"><\/span>/g)).toHaveLength(1);
    expect(html).toContain('<span class="m-interval">90 % interval<br>[0.6, 0.8]</span>');
    expect(html).toContain("DI = 0.7 on a scale from 0 to 2, ideal 1, 90 % interval [0.6, 0.8]");
    expect(html).toContain(`class="key key-interval"`);
  });

  it("are left out, legend too, without intervals.json", () => {
    // Act
    const html = renderReport(ANALYSIS, {});
    // Assess
    expect(html).not.toContain('class="interval"');
    expect(html).not.toContain(`class="key key-interval"`);
  });
});
