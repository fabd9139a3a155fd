import { isRecord } from "../../lambdas/shared/is-record.ts";
import { formatValue } from "./format.ts";
import { escapeHtml } from "./html-escape.ts";

/**
 * The report's explanations section: one global-importance bar chart per label of
 * `explanations.kernel_shap`, and one chart per feature of `explanations.pdp` (a line per label
 * for numerical features, bars for categorical ones). Server-drawn SVG, no script. The analysis
 * is read defensively: it may come from the Clarify container; what is not there is left out.
 */

const PALETTE = ["#0a58b5", "#bc4c00", "#116329", "#8250df", "#a40e26", "#57606a"];
/** Features drawn per importance chart: the rest are named in a line below it. */
const MAX_BARS = 20;

interface ImportanceChart {
  readonly label: string;
  readonly expectedValue?: number;
  readonly values: readonly { readonly feature: string; readonly value: number }[];
}

interface PdpChart {
  readonly feature: string;
  readonly categorical: boolean;
  readonly grid: readonly (number | string)[];
  readonly distribution: readonly number[];
  readonly curves: readonly { readonly label: string; readonly values: readonly number[] }[];
}

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
      '<div style="display:flex;flex-wrap:wrap;gap:16px">',
    );
    for (const chart of pdp) parts.push(pdpChart(chart));
    parts.push("</div>");
  }
  parts.push("</section>");
  return parts.join("\n");
}

function readImportance(value: unknown): ImportanceChart[] {
  if (!isRecord(value)) return [];
  const charts: ImportanceChart[] = [];
  for (const [label, entry] of Object.entries(value)) {
    if (!isRecord(entry) || !isRecord(entry.global_shap_values)) continue;
    const values = Object.entries(entry.global_shap_values)
      .filter((pair): pair is [string, number] => typeof pair[1] === "number" && Number.isFinite(pair[1]))
      .map(([feature, v]) => ({ feature, value: v }))
      .sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
    charts.push({
      label,
      ...(typeof entry.expected_value === "number" && { expectedValue: entry.expected_value }),
      values,
    });
  }
  return charts;
}

function readPdp(value: unknown): PdpChart[] {
  if (!Array.isArray(value)) return [];
  const charts: PdpChart[] = [];
  for (const entry of value) {
    if (!isRecord(entry) || typeof entry.feature_name !== "string" || !Array.isArray(entry.feature_values))
      continue;
    const grid = entry.feature_values.filter(
      (v): v is number | string => typeof v === "number" || typeof v === "string",
    );
    const predictions = Array.isArray(entry.model_predictions) ? entry.model_predictions : [];
    const headers = Array.isArray(entry.label_headers) ? entry.label_headers : [];
    const curves = predictions
      .map((curve, i) => ({
        label: typeof headers[i] === "string" ? (headers[i] as string) : `label${i}`,
        values: Array.isArray(curve) ? curve.filter((v): v is number => typeof v === "number") : [],
      }))
      .filter((curve) => curve.values.length === grid.length);
    if (grid.length === 0 || curves.length === 0) continue;
    const distribution = Array.isArray(entry.data_distribution)
      ? entry.data_distribution.filter((v): v is number => typeof v === "number")
      : [];
    charts.push({
      feature: entry.feature_name,
      categorical: entry.data_type === "categorical",
      grid,
      distribution: distribution.length === grid.length ? distribution : [],
      curves,
    });
  }
  return charts;
}

function importanceChart(chart: ImportanceChart): string {
  const shown = chart.values.slice(0, MAX_BARS);
  const rowHeight = 22;
  const labelWidth = 170;
  const barWidth = 360;
  const height = shown.length * rowHeight + 8;
  const max = Math.max(...shown.map((v) => Math.abs(v.value)), Number.MIN_VALUE);
  const bars = shown.map((entry, i) => {
    const y = 4 + i * rowHeight;
    const width = (Math.abs(entry.value) / max) * barWidth;
    return [
      `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end" font-size="12" fill="#1b1f24">${escapeHtml(truncate(entry.feature, 26))}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${width.toFixed(1)}" height="${rowHeight - 8}" fill="${entry.value < 0 ? PALETTE[1] : PALETTE[0]}"><title>${escapeHtml(entry.feature)}: ${formatValue(entry.value)}</title></rect>`,
      `<text x="${(labelWidth + width + 6).toFixed(1)}" y="${y + 15}" font-size="12" fill="#57606a">${formatValue(entry.value)}</text>`,
    ].join("");
  });
  const rest = chart.values.length - shown.length;
  const expected =
    chart.expectedValue === undefined ? "" : `, expected value ${formatValue(chart.expectedValue)}`;
  return [
    `<figure class="importance"><figcaption>Label <code>${escapeHtml(chart.label)}</code>${expected}</figcaption>`,
    `<svg role="img" aria-label="global SHAP values for ${escapeHtml(chart.label)}" width="${labelWidth + barWidth + 70}" height="${height}" viewBox="0 0 ${labelWidth + barWidth + 70} ${height}">${bars.join("")}</svg>`,
    rest > 0 ? `<p class="note">${rest} more feature${rest === 1 ? "" : "s"} with smaller values.</p>` : "",
    "</figure>",
  ].join("");
}

function pdpChart(chart: PdpChart): string {
  const width = 320;
  const height = 180;
  const left = 48;
  const bottom = 32;
  const plotWidth = width - left - 10;
  const plotHeight = height - bottom - 10;
  const all = chart.curves.flatMap((curve) => curve.values);
  let low = Math.min(...all);
  let high = Math.max(...all);
  if (high - low < 1e-12) {
    low -= 0.5;
    high += 0.5;
  }
  const G = chart.grid.length;
  const x = (g: number) => left + (G === 1 ? plotWidth / 2 : (g / (G - 1)) * plotWidth);
  const y = (v: number) => 10 + plotHeight - ((v - low) / (high - low)) * plotHeight;
  const shapes: string[] = [];
  const maxShare = Math.max(...chart.distribution, Number.MIN_VALUE);
  chart.distribution.forEach((share, g) => {
    const h = (share / maxShare) * plotHeight * 0.35;
    const w = Math.max(2, plotWidth / Math.max(G, 1) - 2);
    shapes.push(
      `<rect x="${(x(g) - w / 2).toFixed(1)}" y="${(10 + plotHeight - h).toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="#d0d7de"/>`,
    );
  });
  chart.curves.forEach((curve, c) => {
    const colour = PALETTE[c % PALETTE.length] as string;
    if (chart.categorical) {
      const w = Math.max(2, (plotWidth / Math.max(G, 1) - 4) / chart.curves.length);
      curve.values.forEach((v, g) => {
        const bx = x(g) - (w * chart.curves.length) / 2 + c * w;
        shapes.push(
          `<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${w.toFixed(1)}" height="${(10 + plotHeight - y(v)).toFixed(1)}" fill="${colour}" fill-opacity="0.8"><title>${escapeHtml(String(chart.grid[g]))}: ${formatValue(v)}</title></rect>`,
        );
      });
    } else {
      const points = curve.values.map((v, g) => `${x(g).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
      shapes.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    }
  });
  const axis = [
    `<line x1="${left}" y1="${10 + plotHeight}" x2="${left + plotWidth}" y2="${10 + plotHeight}" stroke="#8c959f"/>`,
    `<line x1="${left}" y1="10" x2="${left}" y2="${10 + plotHeight}" stroke="#8c959f"/>`,
    `<text x="${left - 4}" y="14" text-anchor="end" font-size="11" fill="#57606a">${formatValue(high)}</text>`,
    `<text x="${left - 4}" y="${10 + plotHeight}" text-anchor="end" font-size="11" fill="#57606a">${formatValue(low)}</text>`,
    `<text x="${left}" y="${height - 14}" font-size="11" fill="#57606a">${escapeHtml(gridText(chart.grid[0]))}</text>`,
    `<text x="${left + plotWidth}" y="${height - 14}" text-anchor="end" font-size="11" fill="#57606a">${escapeHtml(gridText(chart.grid[G - 1]))}</text>`,
  ];
  const legend =
    chart.curves.length > 1
      ? `<p class="note">${chart.curves.map((curve, c) => `<span style="color:${PALETTE[c % PALETTE.length]}">■</span> ${escapeHtml(curve.label)}`).join(" ")}</p>`
      : "";
  return [
    `<figure class="pdp"><figcaption><code>${escapeHtml(chart.feature)}</code> (${chart.categorical ? "categorical" : "numerical"})</figcaption>`,
    `<svg role="img" aria-label="partial dependence on ${escapeHtml(chart.feature)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${shapes.join("")}${axis.join("")}</svg>`,
    legend,
    "</figure>",
  ].join("");
}

function gridText(value: number | string | undefined): string {
  if (value === undefined) return "";
  return typeof value === "number" ? formatValue(value) : truncate(value, 18);
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
