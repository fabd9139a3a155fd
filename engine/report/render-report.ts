/**
 * Renders analysis.json as one self-contained report.html: inline CSS and server-drawn SVG, no
 * script, font, image or stylesheet from anywhere else, so the file opens offline. Every piece of
 * text from the analysis (facet names and values come from user data) is escaped.
 */
import type { Gates } from "../../lambdas/shared/contracts.ts";
import { type ReportMetric, type ReportSection, readSections } from "./analysis-shape.ts";
import { checkGate, gateFor } from "./gate-check.ts";
import { escapeHtml } from "./html-escape.ts";
import { metricInfo } from "./metric-catalog.ts";
import { describeGate, formatValue, renderFacetValueChart } from "./metric-chart.ts";
import { REPORT_STYLES } from "./report-styles.ts";

export interface ReportOptions {
  /**
   * Shown in the page title and heading.
   * @default "Clarify bias report"
   */
  readonly title?: string;
  /**
   * Gates to draw next to each metric; breached metrics are marked.
   * @default no gates
   */
  readonly gates?: Gates;
}

/** @throws AnalysisResultError when the analysis is not in Clarify's format (names the field). */
export function renderReport(analysis: Record<string, unknown>, options: ReportOptions = {}): string {
  const title = options.title ?? "Clarify bias report";
  const gates = options.gates ?? {};
  const sections = readSections(analysis);
  const version = typeof analysis.version === "string" ? analysis.version : undefined;
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Belt and braces: even a file someone edits by hand may not load anything from outside.
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_STYLES}</style>`,
    "</head><body>",
    `<header><h1>${escapeHtml(title)}</h1>`,
    version === undefined ? "" : `<p class="meta">analysis.json version ${escapeHtml(version)}</p>`,
    "</header>",
    renderSummary(sections, gates),
    renderLegend(),
    sections.length === 0 ? '<p class="empty">The analysis holds no bias metrics.</p>' : "",
    ...sections.map((section) => renderSection(section, gates)),
    "</body></html>",
    "",
  ].join("\n");
}

function renderSummary(sections: readonly ReportSection[], gates: Gates): string {
  const breached: string[] = [];
  let metrics = 0;
  let gated = 0;
  for (const section of sections) {
    for (const facet of section.facets) {
      for (const value of facet.values) {
        for (const metric of value.metrics) {
          metrics++;
          const check = checkGate(metric.value, gateFor(gates, metric.code));
          if (check.status !== "no-gate") gated++;
          if (check.status === "breached") {
            breached.push(
              `${metric.code} on ${facet.name} = ${value.valueOrThreshold}: ${check.breaches.join("; ")}`,
            );
          }
        }
      }
    }
  }
  const verdict =
    Object.keys(gates).length === 0
      ? '<p class="verdict neutral">No gates were given.</p>'
      : breached.length === 0
        ? `<p class="verdict pass">All ${gated} gated metric values are within their gates.</p>`
        : `<p class="verdict fail">${breached.length} gated metric value${breached.length === 1 ? "" : "s"} breached ${breached.length === 1 ? "its gate" : "their gates"}:</p>` +
          `<ul class="breaches">${breached.map((b) => `<li>${escapeHtml(b)}</li>`).join("")}</ul>`;
  const gateList = Object.entries(gates)
    .map(([code, gate]) => `<li><code>${escapeHtml(code)}</code> ${escapeHtml(describeGate(gate))}</li>`)
    .join("");
  return (
    `<section class="summary"><h2>Summary</h2><p>${metrics} metric value${metrics === 1 ? "" : "s"} ` +
    `in ${sections.length} section${sections.length === 1 ? "" : "s"}.</p>${verdict}` +
    (gateList === "" ? "" : `<p>Gates:</p><ul class="gates">${gateList}</ul>`) +
    "</section>"
  );
}

function renderLegend(): string {
  return (
    '<p class="legend"><span class="key key-ideal"></span> ideal value ' +
    '<span class="key key-bar"></span> distance from ideal ' +
    '<span class="key key-band"></span> range the gate allows ' +
    '<span class="key key-bound"></span> gate bound ' +
    '<span class="key key-breach"></span> breached</p>'
  );
}

function renderSection(section: ReportSection, gates: Gates): string {
  const parts = [
    `<section class="bias-section"><h2>${escapeHtml(section.title)}</h2>`,
    `<p class="meta">Label <code>${escapeHtml(section.label)}</code>, positive value or threshold ` +
      `<code>${escapeHtml(section.labelValueOrThreshold)}</code></p>`,
  ];
  for (const facet of section.facets) {
    parts.push(`<div class="facet"><h3>Facet <code>${escapeHtml(facet.name)}</code></h3>`);
    for (const value of facet.values) {
      parts.push(
        `<figure class="facet-value"><figcaption>${escapeHtml(facet.name)} = ` +
          `<strong>${escapeHtml(value.valueOrThreshold)}</strong></figcaption>`,
        renderFacetValueChart(facet.name, value, gates),
        renderTable(value.metrics, gates),
        "</figure>",
      );
    }
    parts.push("</div>");
  }
  parts.push("</section>");
  return parts.join("\n");
}

function renderTable(metrics: readonly ReportMetric[], gates: Gates): string {
  const rows = metrics.map((metric) => {
    const gate = gateFor(gates, metric.code);
    const check = checkGate(metric.value, gate);
    const gateText = gate === undefined ? "—" : describeGate(gate);
    const valueText =
      metric.value === null ? `not computed: ${metric.error ?? "no value"}` : formatValue(metric.value);
    const statusText =
      check.status === "breached" ? `BREACH: ${check.breaches.join("; ")}` : check.status.replace("-", " ");
    return (
      `<tr class="status-${check.status}"><td><code>${escapeHtml(metric.code)}</code></td>` +
      `<td>${escapeHtml(metric.description || metricInfo(metric.code).name)}</td>` +
      `<td class="${metric.value === null ? "null-error" : "num"}">${escapeHtml(valueText)}</td>` +
      `<td class="num">${escapeHtml(formatValue(metricInfo(metric.code).ideal))}</td>` +
      `<td>${escapeHtml(gateText)}</td><td>${escapeHtml(statusText)}</td></tr>`
    );
  });
  return (
    '<table class="metrics"><thead><tr><th>Metric</th><th>Description</th><th>Value</th><th>Ideal</th>' +
    `<th>Gate</th><th>Status</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
  );
}
