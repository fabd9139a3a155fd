import type { ImportanceChart } from "./explanation-shape.ts";
import { formatValue } from "./format.ts";
import { escapeBreakable, escapeHtml } from "./html-escape.ts";

/**
 * A global-importance chart as HTML bars, like the metric rows: the text is the page's own, so it
 * stays at reading size on a phone, where a fixed-width SVG would shrink its labels with it.
 */

/** Features drawn per chart: the rest are counted in a line below it. */
const MAX_BARS = 20;

export function importanceChart(chart: ImportanceChart): string {
  const shown = chart.values.slice(0, MAX_BARS);
  const max = Math.max(...shown.map((v) => Math.abs(v.value)), Number.MIN_VALUE);
  const rows = shown.map((entry) => {
    const share = (Math.abs(entry.value) / max) * 100;
    const sign = entry.value < 0 ? " negative" : "";
    return [
      `<span class="ib-name">${escapeBreakable(entry.feature)}</span>`,
      `<span class="ib-track"><span class="ib-bar${sign}" style="width:${share.toFixed(1)}%"></span></span>`,
      `<span class="ib-value">${formatValue(entry.value)}</span>`,
    ].join("");
  });
  const rest = chart.values.length - shown.length;
  const negatives = shown.some((entry) => entry.value < 0);
  const expected =
    chart.expectedValue === undefined ? "" : `, expected value ${formatValue(chart.expectedValue)}`;
  return [
    `<figure class="importance"><figcaption>Label <code>${escapeHtml(chart.label)}</code>${expected}</figcaption>`,
    `<div class="ib">${rows.join("")}</div>`,
    negatives ? '<p class="note">Orange bars are negative values, drawn by their size.</p>' : "",
    rest > 0 ? `<p class="note">${rest} more feature${rest === 1 ? "" : "s"} with smaller values.</p>` : "",
    "</figure>",
  ].join("");
}
