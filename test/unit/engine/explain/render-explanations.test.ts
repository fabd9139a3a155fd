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
    const order = ["&lt;income&gt;", "duration", "age"].map((name) => html.indexOf(`>${name}</text>`));
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
    expect(colour).not.toContain("<polyline");
    expect(colour.match(/<title>(red|blue): /g)).toHaveLength(4);
    expect(colour).toContain("■</span> yes");
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
