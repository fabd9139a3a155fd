/**
 * One inline SVG chart per facet value: a row per metric, each on its own scale (Clarify's
 * metrics have different ranges, DI's ideal is 1, KL is unbounded), showing the gate's allowed
 * band, the ideal value, and a bar from the ideal to the measured value. Drawn on the server so
 * the report needs no script.
 */
import type { Gate, Gates } from "../../lambdas/shared/contracts.ts";
import type { ReportFacetValue, ReportMetric } from "./analysis-shape.ts";
import { allowedInterval, checkGate, type GateCheck, gateFor } from "./gate-check.ts";
import { escapeHtml } from "./html-escape.ts";
import { metricInfo } from "./metric-catalog.ts";

const WIDTH = 880;
const ROW_HEIGHT = 46;
const TOP = 8;
const TRACK_START = 250;
const TRACK_END = 640;
const VALUE_X = 660;
const STATUS_X = 760;
/** Longest error text drawn inside a chart; the table below it shows the whole text. */
const MAX_ERROR_CHARS = 60;

/** Formats a metric value for display: at most 4 significant digits, signs kept. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  return String(Number(value.toPrecision(4)));
}

/** The drawn domain of a metric's row: its natural range where bounded, else wide enough for everything shown. */
function rowDomain(metric: ReportMetric, gates: Gates): { readonly low: number; readonly high: number } {
  const info = metricInfo(metric.code);
  const shown = [info.ideal];
  if (metric.value !== null && Number.isFinite(metric.value)) shown.push(metric.value);
  const gate = gateFor(gates, metric.code);
  if (gate !== undefined) {
    const { low, high } = allowedInterval(gate);
    if (Number.isFinite(low)) shown.push(low);
    if (Number.isFinite(high)) shown.push(high);
  }
  if (info.min === null && info.max === null) {
    const half = Math.max(1, ...shown.map((v) => Math.abs(v - info.ideal) * 1.25));
    return { low: info.ideal - half, high: info.ideal + half };
  }
  const low = info.min ?? Math.min(...shown) - Math.max(1, (info.ideal - Math.min(...shown)) * 0.25);
  const high = info.max ?? Math.max(info.ideal + 1, Math.max(...shown) * 1.25);
  return { low, high };
}

export function renderFacetValueChart(facetName: string, facetValue: ReportFacetValue, gates: Gates): string {
  const height = TOP + facetValue.metrics.length * ROW_HEIGHT + 8;
  const label = `Bias metrics for facet ${facetName} = ${facetValue.valueOrThreshold}`;
  const rows = facetValue.metrics.map((metric, i) => renderRow(metric, gates, TOP + i * ROW_HEIGHT)).join("");
  return (
    `<svg class="metric-chart" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
    `viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(label)}">` +
    `<title>${escapeHtml(label)}</title>${rows}</svg>`
  );
}

function renderRow(metric: ReportMetric, gates: Gates, top: number): string {
  const info = metricInfo(metric.code);
  const gate = gateFor(gates, metric.code);
  const check = checkGate(metric.value, gate);
  const mid = top + 18;
  const parts: string[] = [
    `<text x="8" y="${mid + 4}" class="code">${escapeHtml(metric.code)}</text>`,
    `<text x="8" y="${mid + 20}" class="long-name">${escapeHtml(truncate(info.name, 38))}</text>`,
  ];
  if (metric.value === null) {
    const error = metric.error ?? "no value";
    parts.push(
      `<text x="${TRACK_START}" y="${mid + 4}" class="null-error"><title>${escapeHtml(error)}</title>` +
        `not computed: ${escapeHtml(truncate(error, MAX_ERROR_CHARS))}</text>`,
    );
  } else {
    parts.push(renderScale(metric, metric.value, gates, mid, check));
    parts.push(
      `<text x="${VALUE_X}" y="${mid + 4}" class="value">${escapeHtml(formatValue(metric.value))}</text>`,
    );
  }
  parts.push(renderStatus(check, mid));
  return `<g class="metric-row status-${check.status}" data-metric="${escapeHtml(metric.code)}">${parts.join("")}</g>`;
}

function renderScale(
  metric: ReportMetric,
  value: number,
  gates: Gates,
  mid: number,
  check: GateCheck,
): string {
  const info = metricInfo(metric.code);
  const domain = rowDomain(metric, gates);
  const x = (v: number) => {
    const clamped = Math.min(domain.high, Math.max(domain.low, v));
    return round(
      TRACK_START + ((clamped - domain.low) / (domain.high - domain.low)) * (TRACK_END - TRACK_START),
    );
  };
  const parts: string[] = [];
  const gate = gateFor(gates, metric.code);
  if (gate !== undefined) {
    const { low, high } = allowedInterval(gate);
    parts.push(
      `<rect class="gate-band" x="${x(low)}" y="${mid - 9}" width="${round(x(high) - x(low))}" height="18">` +
        `<title>gate allows ${escapeHtml(describeInterval(low, high))}</title></rect>`,
    );
    for (const bound of [low, high]) {
      if (Number.isFinite(bound) && bound >= domain.low && bound <= domain.high) {
        parts.push(
          `<line class="gate-bound" x1="${x(bound)}" x2="${x(bound)}" y1="${mid - 12}" y2="${mid + 12}"/>`,
        );
      }
    }
  }
  parts.push(`<line class="track" x1="${TRACK_START}" x2="${TRACK_END}" y1="${mid}" y2="${mid}"/>`);
  // The ideal carries its own label; an end label equal to it would print on top of it.
  if (domain.low !== info.ideal) {
    parts.push(
      `<text class="tick" x="${TRACK_START}" y="${mid + 22}">${escapeHtml(formatValue(domain.low))}</text>`,
    );
  }
  if (domain.high !== info.ideal) {
    parts.push(
      `<text class="tick" x="${TRACK_END}" y="${mid + 22}" text-anchor="end">${escapeHtml(formatValue(domain.high))}</text>`,
    );
  }
  const barStart = Math.min(x(info.ideal), x(value));
  const barWidth = Math.abs(x(value) - x(info.ideal));
  const tone = check.status === "breached" ? "bar-breached" : "bar";
  parts.push(
    `<rect class="${tone}" x="${round(barStart)}" y="${mid - 4}" width="${round(barWidth)}" height="8"/>`,
  );
  parts.push(
    `<line class="ideal" x1="${x(info.ideal)}" x2="${x(info.ideal)}" y1="${mid - 13}" y2="${mid + 13}">` +
      `<title>ideal ${escapeHtml(formatValue(info.ideal))}</title></line>`,
    `<text class="tick ideal-label" x="${x(info.ideal)}" y="${mid + 22}" text-anchor="${anchorAt(x(info.ideal))}">ideal ${escapeHtml(formatValue(info.ideal))}</text>`,
  );
  const offScale = value < domain.low || value > domain.high || !Number.isFinite(value);
  parts.push(
    `<circle class="${check.status === "breached" ? "dot-breached" : "dot"}" cx="${x(value)}" cy="${mid}" r="5">` +
      `<title>${escapeHtml(metric.code)} = ${escapeHtml(formatValue(value))}${offScale ? " (off scale)" : ""}</title></circle>`,
  );
  return parts.join("");
}

function renderStatus(check: GateCheck, mid: number): string {
  const text: Record<GateCheck["status"], string> = {
    breached: "✗ BREACH",
    passed: "✓ pass",
    "not-evaluated": "not evaluated",
    "no-gate": "no gate",
  };
  const title = check.breaches.length > 0 ? `<title>${escapeHtml(check.breaches.join("; "))}</title>` : "";
  return `<text x="${STATUS_X}" y="${mid + 4}" class="status">${title}${text[check.status]}</text>`;
}

/** `[-0.2, 0.2]`, `≥ 0.8`, `≤ 0.1`: the interval a gate allows. */
export function describeGate(gate: Gate): string {
  const { low, high } = allowedInterval(gate);
  return describeInterval(low, high);
}

function describeInterval(low: number, high: number): string {
  if (Number.isFinite(low) && Number.isFinite(high)) return `[${formatValue(low)}, ${formatValue(high)}]`;
  if (Number.isFinite(low)) return `≥ ${formatValue(low)}`;
  if (Number.isFinite(high)) return `≤ ${formatValue(high)}`;
  return "any value";
}

/** Keeps a label centred on its mark unless the mark sits at an end of the track. */
function anchorAt(x: number): "start" | "middle" | "end" {
  if (x <= TRACK_START) return "start";
  return x >= TRACK_END ? "end" : "middle";
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
