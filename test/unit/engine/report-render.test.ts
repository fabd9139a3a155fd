import { describe, expect, it } from "vitest";
import { renderReport } from "../../../engine/report/render-report.ts";
import { AnalysisResultError } from "../../../lambdas/shared/errors.ts";
import { SAMPLE_ANALYSIS, SAMPLE_GATES } from "./report-fixture.ts";

/** The SVG row of one metric, from `<g ... data-metric="X">` to its closing `</g>`. */
function chartRow(html: string, code: string): string {
  const start = html.lastIndexOf("<g ", html.indexOf(`data-metric="${code}"`));
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</g>", start));
}

describe("renderReport", () => {
  it("escapes a facet name holding markup everywhere it appears", () => {
    // Prepare: the fixture's post-training facet is named <script>alert(1)</script>
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, { title: 'Q3 <b>"model"</b>', gates: SAMPLE_GATES });
    // Assess
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("<title>Q3 &lt;b&gt;&quot;model&quot;&lt;/b&gt;</title>");
  });

  it("draws each metric's ideal: 1 for DI, 0 for the others", () => {
    // Prepare
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, {});
    // Assess
    expect(chartRow(html, "DI")).toContain("ideal 1");
    expect(chartRow(html, "CI")).toContain("ideal 0");
    expect(chartRow(html, "KL")).toContain("ideal 0");
    expect(chartRow(html, "DI")).not.toContain("ideal 0");
  });

  it("marks the breached gate and passes the others", () => {
    // Prepare: DI 0.71 against [0.8, 1.25]; CI −0.31 within ±0.5; DPPL 0.12 within ±0.2
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, { gates: SAMPLE_GATES });
    // Assess
    expect(chartRow(html, "DI")).toContain("status-breached");
    expect(chartRow(html, "DI")).toContain("0.71 &lt; min 0.8");
    expect(chartRow(html, "DI")).toContain('class="gate-bound"');
    expect(chartRow(html, "CI")).toContain("status-passed");
    expect(chartRow(html, "DPPL")).toContain("status-passed");
    expect(chartRow(html, "TE")).toContain("status-no-gate");
    expect(html).toContain("1 gated metric value breached its gate");
  });

  it("shows a null metric's error text and leaves its gate not evaluated", () => {
    // Prepare: CDDL is null with an error and has a gate
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, { gates: SAMPLE_GATES });
    // Assess
    const row = chartRow(html, "CDDL");
    expect(row).toContain("not computed: Group variable is empty or not provided");
    expect(row).toContain("status-not-evaluated");
    expect(row).not.toContain("<circle");
  });

  it("says so when no gates are given and loads nothing from outside", () => {
    // Prepare
    // Act
    const html = renderReport(SAMPLE_ANALYSIS);
    // Assess
    expect(html).toContain("No gates were given.");
    expect(html).not.toMatch(/\b(src|href)=|url\(|@import|<script/i);
  });

  it('draws Clarify\'s "Infinity" as an off-scale breach and "NaN" as not computed', () => {
    // Prepare: DI is Infinity when the advantaged group has no positive predictions.
    const analysis = {
      version: "1.0",
      post_training_bias_metrics: {
        label: "y",
        label_value_or_threshold: "1",
        facets: {
          sex: [
            {
              value_or_threshold: "f",
              metrics: [
                { name: "DI", description: "Disparate Impact (DI)", value: "Infinity" },
                { name: "TE", description: "Treatment Equality (TE)", value: "NaN" },
              ],
            },
          ],
        },
      },
    };
    // Act
    const html = renderReport(analysis, { gates: { DI: { min: 0.8, max: 1.25 } } });
    // Assess
    expect(chartRow(html, "DI")).toContain("status-breached");
    expect(chartRow(html, "DI")).toContain("(off scale)");
    expect(chartRow(html, "TE")).toContain("not computed: value is NaN");
    expect(html).not.toMatch(/="NaN"|NaN"/);
  });

  it("draws a metric whose code is an Object property name (constructor) as an unknown metric", () => {
    // Prepare
    const analysis = {
      version: "1.0",
      pre_training_bias_metrics: {
        label: "y",
        label_value_or_threshold: "1",
        facets: { sex: [{ value_or_threshold: "f", metrics: [{ name: "constructor", value: 0.4 }] }] },
      },
    };
    // Act
    const html = renderReport(analysis);
    // Assess
    const row = chartRow(html, "constructor");
    expect(row).toContain('class="long-name">constructor</text>');
    expect(row).toContain("ideal 0");
    expect(row).toContain("status-no-gate");
  });

  it("names the field when the analysis is not in Clarify's format", () => {
    // Prepare
    const analysis = {
      version: "1.0",
      post_training_bias_metrics: {
        label: "y",
        label_value_or_threshold: "1",
        facets: { sex: [{ value_or_threshold: "f", metrics: [{ name: "DI", value: "high" }] }] },
      },
    };
    // Act
    const render = () => renderReport(analysis);
    // Assess
    expect(render).toThrow(AnalysisResultError);
    expect(render).toThrow(
      '$.post_training_bias_metrics.facets["sex"][0].metrics[0].value must be a number, "Infinity", "-Infinity", "NaN" or null, got "high"',
    );
  });
});
