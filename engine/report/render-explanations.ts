import { isRecord } from "../../contracts/is-record.ts";
import { readImportance, readPdp } from "./explanation-shape.ts";
import { importanceChart } from "./importance-chart.ts";
import { pdpChart } from "./pdp-chart.ts";

/**
 * The report's explanations section: one global-importance chart per label of
 * `explanations.kernel_shap`, and one chart per feature of `explanations.pdp`. Drawn without
 * script, and with every label as page text so the section reads at a phone's width.
 */
export function renderExplanations(analysis: Record<string, unknown>): string {
  const explanations = isRecord(analysis.explanations) ? analysis.explanations : undefined;
  if (!explanations) return "";
  const importance = readImportance(explanations.kernel_shap);
  const pdp = readPdp(explanations.pdp);
  if (importance.length === 0 && pdp.length === 0) return "";
  const parts = ['<section class="explanations" id="explanations"><h2>Explanations</h2>'];
  if (importance.length > 0) {
    parts.push(
      "<h3>Global feature importance (Kernel SHAP)</h3>",
      '<p class="meta">How much each feature moves the model output on average across the rows, by the analysis\'s aggregation of per-row SHAP values.</p>',
    );
    for (const chart of importance) parts.push(importanceChart(chart));
  }
  if (pdp.length > 0) {
    parts.push(
      "<h3>Partial dependence</h3>",
      '<p class="meta">The mean model output over every row when the feature is set to each value; grey bars show the share of rows near each value.</p>',
      '<div class="pdp-grid">',
    );
    for (const chart of pdp) parts.push(pdpChart(chart));
    parts.push("</div>");
  }
  parts.push("</section>");
  return parts.join("\n");
}
