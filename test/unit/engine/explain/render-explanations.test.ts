import { describe, expect, it } from "vitest";
import { renderExplanations } from "../../../../engine/report/render-explanations.ts";
import { renderReport } from "../../../../engine/report/render-report.ts";

const ANALYSIS = {
  version: "1.0",
  explanations: {
    kernel_shap: {
      label0: { global_shap_values: { age: 0.04, "<income>": 0.12, duration: -0.06 }, expected_value: 0.63 },
    },
    pdp: [
      {
        feature_name: "income",
        data_type: "numerical",
        feature_values: [1000, 2000, 3000],
        data_distribution: [0.5, 0.3, 0.2],
        model_predictions: [[0.4, 0.6, 0.8]],
        label_headers: ["label0"],
      },
      {
        feature_name: "colour",
        data_type: "categorical",
        feature_values: ["red", "blue"],
        data_distribution: [0.7, 0.3],
        model_predictions: [
          [0.2, 0.3],
          [0.8, 0.7],
        ],
        label_headers: ["no", "yes"],
      },
    ],
  },
};

describe("renderExplanations", () => {
  it("draws one importance chart per label, largest first, with the expected value", () => {
    // Act
    const html = renderExplanations(ANALYSIS);
    // Assess
    expect(html).toContain("Global feature importance (Kernel SHAP)");
    expect(html).toContain("expected value 0.63");
    const order = ["&lt;income&gt;", "duration", "age"].map((name) =>
      html.indexOf(`<span class="ib-name">${name}</span>`),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).not.toContain("<income>");
  });

  it("draws a line per label for numerical features and bars for categorical ones", () => {
    // Act
    const html = renderExplanations(ANALYSIS);
    // Assess
    const [income = "", colour = ""] = html.split('<figure class="pdp">').slice(1);
    expect(income).toContain("<polyline");
    expect(income).toContain("<title>income = 2000: label0 0.6; 30.0% of rows</title>");
    expect(colour).not.toContain("<polyline");
    expect(colour.match(/title="(no|yes): /g)).toHaveLength(4);
    expect(colour).toContain('red <span class="ib-share">70.0% of rows</span>');
    expect(colour).toContain("■</span> yes");
  });

  it("writes every label and number as page text, never as SVG text that shrinks with its chart", () => {
    // Act
    const html = renderExplanations(ANALYSIS);
    // Assess
    expect(html).not.toContain("<text");
    const income = html.split('<figure class="pdp">')[1] ?? "";
    expect(income).toContain('<div class="pdp-y"><span>0.8</span><span>0.6</span><span>0.4</span></div>');
    expect(income.match(/<div class="pdp-x">(.*?)<\/div>/)?.[1]).toBe(
      '<span style="left:16.67%">1000</span><span style="left:50.00%">2000</span><span style="left:83.33%">3000</span>',
    );
  });

  it("lets a long one-hot feature name wrap between its words", () => {
    // Prepare
    const analysis = {
      explanations: {
        kernel_shap: { label0: { global_shap_values: { "purpose_furniture/equipment": 0.1 } } },
      },
    };
    // Act
    const html = renderExplanations(analysis);
    // Assess
    expect(html).toContain('<span class="ib-name">purpose_<wbr>furniture/<wbr>equipment</span>');
  });

  it("adds nothing for an analysis without explanations, or with malformed ones", () => {
    // Act / Assess
    expect(renderExplanations({ version: "1.0" })).toBe("");
    expect(renderExplanations({ explanations: { kernel_shap: 3, pdp: [{ feature_name: "x" }] } })).toBe("");
  });

  it("is part of the report", () => {
    // Act
    const html = renderReport(ANALYSIS);
    // Assess
    expect(html).toContain('<section class="explanations" id="explanations">');
  });
});
