import { describe, expect, it } from "vitest";
import type { AnalysisContext, FacetReading } from "../../../contracts/analysis-context.ts";
import { AnalysisResultError } from "../../../contracts/analysis-errors.ts";
import { ALL_METRICS } from "../../../contracts/metric-codes.ts";
import type { GateResult } from "../../../engine/report/gate-check.ts";
import { metricInfo } from "../../../engine/report/metric-catalog.ts";
import { renderReport } from "../../../engine/report/render-report.ts";
import { biasAnalysisOf } from "../../../lambdas/collect-results/analysis-result.ts";
import { evaluateGates } from "../../../lambdas/collect-results/gates.ts";
import { gateResultsFor } from "../../support/gate-results.ts";
import { CAST_PREDICTED_LABEL, SAMPLE_ANALYSIS, SAMPLE_CONTEXT, SAMPLE_GATES } from "./report-fixture.ts";

/** The row of one metric, from `<div class="metric ..." data-metric="X">` to its explanation's end. */
function metricRow(html: string, code: string, occurrence = 0): string {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = html.indexOf(`data-metric="${code}"`, at + 1);
  expect(at).toBeGreaterThan(-1);
  const start = html.lastIndexOf("<div ", at);
  return html.slice(start, html.indexOf("</p></div>", start));
}

/** What a reader sees of some HTML: its text without tags. */
function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, "");
}

/** The HTML of the section with the given id. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</section>", start));
}

describe("renderReport", () => {
  it("escapes a facet name and a warning holding markup everywhere they appear", () => {
    // Prepare: the fixture's post-training facet is named <script>alert(1)</script>
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, {
      title: 'Q3 <b>"model"</b>',
      gateResults: gateResultsFor(SAMPLE_ANALYSIS, SAMPLE_GATES, SAMPLE_CONTEXT),
      context: SAMPLE_CONTEXT,
    });
    // Assess
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<b>age</b>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("<title>Q3 &lt;b&gt;&quot;model&quot;&lt;/b&gt;</title>");
  });

  it("puts the verdict first: every breach worst first, rounded to 4 significant digits, then what held", () => {
    // Prepare: two breaches, the second much further outside its range than the first
    const results: GateResult[] = [
      {
        metric: "CI",
        stage: "pre_training",
        facet: "age",
        facetValue: "(40, 75]",
        value: -0.31,
        gate: { absMax: 0.5 },
        passed: true,
      },
      {
        metric: "DPPL",
        stage: "post_training",
        facet: "sex",
        facetValue: "female",
        value: 0.212345678,
        gate: { absMax: 0.2 },
        passed: false,
        message: "exact",
      },
      {
        metric: "DI",
        stage: "post_training",
        facet: "sex",
        facetValue: "female",
        value: 0.361234,
        gate: { min: 0.8, max: 1.25 },
        passed: false,
        message: "exact",
      },
    ];
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, { gateResults: results });
    // Assess
    const verdict = section(html, "verdict");
    expect(html.indexOf('id="verdict"')).toBeLessThan(html.indexOf('id="analysis"'));
    expect(verdict).toContain("Bias gates failed");
    expect(verdict).toContain("2 of 3 gated metric values breach their gate");
    const breaches = textOf(verdict.slice(verdict.indexOf("<ol"), verdict.indexOf("</ol>")));
    expect(breaches.indexOf("DI")).toBeLessThan(breaches.indexOf("DPPL"));
    expect(breaches).toContain(
      "DI Disparate Impact for sex = female (post\u2011training): 0.3612, allowed [0.8, 1.25]",
    );
    expect(breaches).toContain("0.4388 below the minimum");
    expect(breaches).toContain("0.2123, allowed [−0.2, 0.2]");
    expect(verdict).toContain("Held (1)");
    expect(textOf(verdict)).toContain(
      "CI Class Imbalance for age in (40, 75] (pre\u2011training): −0.31 within [−0.5, 0.5]",
    );
  });

  it("lists the breaches in summary.json's order: a gate that cannot be checked before a value outside", () => {
    // Prepare: DI 0.71 is outside [0.8, 1.25]; CDDL has no value; RD is in no facet of the analysis.
    const gates = { DI: { min: 0.8, max: 1.25 }, CDDL: { absMax: 0.1 }, RD: { absMax: 0.1 } };
    const { breaches } = evaluateGates(biasAnalysisOf(SAMPLE_ANALYSIS, "analysis.json"), gates);
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, { gateResults: gateResultsFor(SAMPLE_ANALYSIS, gates) });
    // Assess
    const verdict = section(html, "verdict");
    const listed = [...verdict.matchAll(/<li>(.*?)<\/li>/g)].map((match) => textOf(match[1] ?? ""));
    expect(breaches.map((breach) => breach.metric)).toEqual(["CDDL", "RD", "DI"]);
    expect(listed.map((text) => /^(CDDL|RD|DI)\b|metric (RD)/.exec(text)?.slice(1).find(Boolean))).toEqual([
      "CDDL",
      "RD",
      "DI",
    ]);
  });

  it("shows why a value inside its range still failed (a reading that voids the gates)", () => {
    // Prepare: collect-results fails a gate whose metric a warning made meaningless
    const results: GateResult[] = [
      {
        metric: "DPPL",
        stage: "post_training",
        facet: "<script>alert(1)</script>",
        facetValue: "female",
        value: 0.12,
        gate: { absMax: 0.2 },
        passed: false,
        message: "DPPL is not meaningful: no row has a positive label (LABEL_THRESHOLD_DEGENERATE)",
      },
    ];
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, { gateResults: results });
    // Assess
    const verdict = textOf(section(html, "verdict"));
    expect(verdict).toContain(
      "0.12, allowed [−0.2, 0.2] (DPPL is not meaningful: no row has a positive label (LABEL_THRESHOLD_DEGENERATE))",
    );
    expect(metricRow(html, "DPPL")).toContain("status-breached");
  });

  it("leaves the guidance out when every ungated value is within its rule of thumb", () => {
    // Prepare
    const analysis = {
      version: "1.0",
      post_training_bias_metrics: {
        label: "y",
        label_value_or_threshold: "1",
        facets: { sex: [{ value_or_threshold: "f", metrics: [{ name: "DI", value: 0.95 }] }] },
      },
    };
    // Act
    const html = renderReport(analysis);
    // Assess
    expect(html).not.toContain('id="guidance"');
    expect(metricRow(html, "DI")).toContain("status-no-gate");
  });

  it("marks each gated metric row with its allowed range and result", () => {
    // Prepare: DI 0.71 against [0.8, 1.25]; CI −0.31 within ±0.5; DPPL 0.12 within ±0.2; CDDL null
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, {
      gateResults: gateResultsFor(SAMPLE_ANALYSIS, SAMPLE_GATES),
    });
    // Assess
    expect(metricRow(html, "DI")).toContain("status-breached");
    expect(textOf(metricRow(html, "DI"))).toContain("✗ breached gate [0.8, 1.25]");
    expect(metricRow(html, "DI")).toContain('class="gate-band"');
    expect(metricRow(html, "CI")).toContain("status-passed");
    expect(metricRow(html, "DPPL")).toContain("status-passed");
    expect(metricRow(html, "TE")).toContain("status-no-gate");
    expect(metricRow(html, "CDDL")).toContain("Group variable is empty or not provided");
    expect(metricRow(html, "CDDL")).toContain("status-breached");
    expect(section(html, "verdict")).toContain("2 of 4 gated metric values breach their gate");
  });

  it("explains every metric in one line, with its range, ideal, sign and Clarify documentation page", () => {
    // Prepare
    // Act
    const html = renderReport(SAMPLE_ANALYSIS);
    // Assess
    const di = metricRow(html, "DI");
    expect(di).toContain("Disparate Impact");
    expect(di).toContain("Range 0 to ∞, ideal 1; below 1 disadvantages the facet");
    expect(di).toContain(
      'href="https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-post-training-bias-metric-di.html"',
    );
    expect(metricRow(html, "DPPL")).toContain("Difference in Positive Proportions in Predicted Labels");
    expect(metricRow(html, "CI")).toContain("Range −1 to 1, ideal 0; positive: the facet has fewer rows");
    for (const code of ALL_METRICS) {
      expect(metricInfo(code).docsUrl).toMatch(
        /^https:\/\/docs\.aws\.amazon\.com\/sagemaker\/latest\/dg\/clarify-[a-z-]+\.html$/,
      );
    }
  });

  it("explains a metric once per section and links later rows of it back to that explanation", () => {
    // Prepare: DI for two facet values
    const analysis = {
      version: "1.0",
      post_training_bias_metrics: {
        label: "y",
        label_value_or_threshold: "1",
        facets: {
          sex: [{ value_or_threshold: "f", metrics: [{ name: "DI", value: 0.9 }] }],
          race: [{ value_or_threshold: "b", metrics: [{ name: "DI", value: 1.1 }] }],
        },
      },
    };
    // Act
    const html = renderReport(analysis);
    // Assess
    expect(metricRow(html, "DI", 0)).toContain('id="explain-post_training-DI"');
    expect(metricRow(html, "DI", 0)).toContain("Range 0 to ∞, ideal 1");
    expect(metricRow(html, "DI", 1)).toContain('<a href="#explain-post_training-DI">What DI measures</a>');
    expect(metricRow(html, "DI", 1)).not.toContain("Range 0 to ∞");
  });

  it("without gates, flags values outside a rule of thumb as guidance, not as a gate", () => {
    // Prepare: DI 0.71 is outside the four-fifths range; DPPL 0.12 is a gap above 10 points
    // Act
    const html = renderReport(SAMPLE_ANALYSIS);
    // Assess
    expect(section(html, "verdict")).toContain("No gates were given");
    const guidance = section(html, "guidance");
    expect(guidance).toContain("guidance, not a gate");
    expect(guidance).toContain("<strong>0.71</strong>, outside [0.8, 1.25]");
    expect(guidance).toContain("<strong>0.12</strong>, outside [−0.1, 0.1]");
    expect(guidance).toContain("the four-fifths rule");
    expect(guidance.indexOf("DI")).toBeLessThan(guidance.indexOf("DPPL"));
    expect(metricRow(html, "DI")).toContain("status-look");
    expect(metricRow(html, "DI")).toContain("not a gate");
  });

  it("states the analysis from analysis_context.json: dataset, label, facets and how each was typed", () => {
    // Prepare
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, { context: SAMPLE_CONTEXT });
    // Assess
    const analysis = section(html, "analysis");
    expect(analysis).toContain("<code>credit.csv</code>");
    expect(analysis).toContain("1,000 rows read; left out: 12 (label value missing)");
    expect(analysis).toContain(
      "Read as <strong>continuous</strong>: integers with 6.1% distinct values (&gt;= 5%): continuous",
    );
    expect(analysis).toContain(
      "rows with a value above <code>40</code> (<code>(40, 75]</code>), each compared with all other rows",
    );
    expect(analysis).toContain("Positive when the value is <code>1</code>");
    const warnings = section(html, "warnings");
    expect(warnings).toContain("LABEL_THRESHOLD_DEGENERATE");
    expect(warnings).toContain("(facet age in (40, 75])");
    expect(warnings).toContain("any gate on them fails");
  });

  it("writes no empty interval beside a threshold that no value is above", () => {
    // Prepare: the age facet's threshold above every age (smclarify writes the interval empty)
    const [age, ...others] = SAMPLE_CONTEXT.facets as [FacetReading, ...FacetReading[]];
    const emptyInterval = age.groups.map((group) => ({ ...group, valueOrThreshold: "" }));
    const context: AnalysisContext = {
      ...SAMPLE_CONTEXT,
      facets: [{ ...age, groups: emptyInterval }, ...others],
    };
    // Act
    const analysis = section(renderReport(SAMPLE_ANALYSIS, { context }), "analysis");
    // Assess
    expect(analysis).toContain("rows with a value above <code>40</code>, each compared with all other rows");
  });

  it("says that float predictions were cast to the integer label's dtype before the threshold, when they were", () => {
    // Prepare
    const { castTo: _, ...uncast } = CAST_PREDICTED_LABEL;

    // Act
    const cast = renderReport(SAMPLE_ANALYSIS, {
      context: { ...SAMPLE_CONTEXT, predictedLabel: CAST_PREDICTED_LABEL },
    });
    const asWritten = renderReport(SAMPLE_ANALYSIS, {
      context: { ...SAMPLE_CONTEXT, predictedLabel: uncast },
    });

    // Assess
    expect(section(cast, "analysis")).toContain(
      "<dt>Predicted label <code>predicted_days_late</code></dt><dd>Positive when the value, first cast to the label's <code>int64</code> toward zero as Clarify casts it (1.7 becomes 1), is above <code>30</code>.<br>",
    );
    expect(section(asWritten, "analysis")).toContain(
      "<dt>Predicted label <code>predicted_days_late</code></dt><dd>Positive when the value is above <code>30</code>.<br>",
    );
    expect(section(asWritten, "analysis")).not.toContain("cast");
  });

  it("does not show a cast whose dtype is not a name", () => {
    // Prepare
    const broken = { ...SAMPLE_CONTEXT, predictedLabel: { ...CAST_PREDICTED_LABEL, castTo: 64 } };

    // Act
    // A malformed file, as the report may be given one.
    const html = renderReport(SAMPLE_ANALYSIS, { context: broken as unknown as AnalysisContext });

    // Assess
    expect(section(html, "analysis")).toContain(
      "analysis_context.json could not be shown: $.predictedLabel.castTo must be a dtype name (a string) when present",
    );
  });

  it("shows the groups before the metrics: rows, shares, rates and confusion counts", () => {
    // Prepare
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, { context: SAMPLE_CONTEXT });
    // Assess
    const groups = section(html, "groups");
    expect(html.indexOf('id="groups"')).toBeLessThan(html.indexOf('id="pre_training"'));
    expect(groups).toContain("age &gt; 40");
    expect(groups).toContain("<td>32.7%</td>");
    expect(groups).toContain(
      '<th scope="row">Positive predictions</th><td><span class="nw">27.9%</span> <span class="nw count">(86)</span></td>',
    );
    expect(groups).toContain('<th scope="row">True positives (TP)</th><td>60</td><td>180</td>');
  });

  it("says why the analysis section is short when there is no analysis_context.json, or a broken one", () => {
    // Prepare
    const broken = { ...SAMPLE_CONTEXT, dataset: { ...SAMPLE_CONTEXT.dataset, rowsRead: -1 } };
    // Act
    const absent = renderReport(SAMPLE_ANALYSIS);
    const invalid = renderReport(SAMPLE_ANALYSIS, { context: broken });
    // Assess
    expect(section(absent, "analysis")).toContain("analysis_context.json is absent");
    expect(section(absent, "analysis")).toContain(
      "Analysed: <code>(40, 75]</code>, each compared with all other rows",
    );
    expect(absent).not.toContain('id="groups"');
    expect(section(invalid, "analysis")).toContain(
      "analysis_context.json could not be shown: $.dataset.rowsRead must be a row count",
    );
  });

  it("draws each metric's ideal and renders extra columns given to the metric rows", () => {
    // Prepare
    const column = { header: "baseline", cell: () => "<em>0.5</em>" };
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, { metricColumns: [column] });
    // Assess
    expect(metricRow(html, "DI")).toContain("ideal 1");
    expect(metricRow(html, "CI")).toContain("ideal 0");
    expect(metricRow(html, "DI")).toContain('<span class="m-extra-label">baseline</span> <em>0.5</em>');
  });

  it("loads nothing from outside: no script, no source, links only to Clarify's documentation", () => {
    // Prepare
    // Act
    const html = renderReport(SAMPLE_ANALYSIS, {
      gateResults: gateResultsFor(SAMPLE_ANALYSIS, SAMPLE_GATES, SAMPLE_CONTEXT),
      context: SAMPLE_CONTEXT,
    });
    // Assess
    expect(html).not.toMatch(/\bsrc=|url\(|@import|<script|<img|<link/i);
    const links = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link).toMatch(/^(https:\/\/docs\.aws\.amazon\.com\/sagemaker\/|#explain-)/);
    }
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
    const html = renderReport(analysis, {
      gateResults: gateResultsFor(analysis, { DI: { min: 0.8, max: 1.25 } }),
    });
    // Assess
    expect(metricRow(html, "DI")).toContain("status-breached");
    expect(metricRow(html, "DI")).toContain("(off scale)");
    expect(metricRow(html, "TE")).toContain("value is NaN");
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
    const row = metricRow(html, "constructor");
    expect(row).toContain('<span class="m-long">constructor</span>');
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
