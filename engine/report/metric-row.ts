/**
 * One metric value as one row: its code and long name, its value, the value on the metric's own
 * scale (Clarify's metrics have different ranges: DI's ideal is 1, KL is unbounded), the gate or
 * rule of thumb, and a one-line explanation linking to Clarify's documentation. The scale is
 * drawn with positioned HTML boxes, so it stretches with the page from a phone to a wide screen
 * and its labels stay at reading size; the row itself is the accessible text of the chart.
 */
import type { BiasStage, ReportMetric } from "./analysis-shape.ts";
import { describeInterval, formatValue } from "./format.ts";
import { allowedInterval, distanceOutside, type GateResult } from "./gate-check.ts";
import { escapeHtml } from "./html-escape.ts";
import type { ReportInterval } from "./interval-shape.ts";
import { describeRange, type Guidance, metricInfo } from "./metric-catalog.ts";

/** Where a metric value belongs: its stage, facet and facet value. */
export interface MetricLocation {
  readonly stage: BiasStage;
  readonly facet: string;
  readonly facetValue: string;
}

/**
 * An extra column of the metric rows (e.g. a baseline value, a drift, a trend). `cell`
 * returns HTML, so it escapes any text it shows; an empty cell leaves the column out of that row.
 */
export interface MetricColumn {
  readonly header: string;
  cell(metric: ReportMetric, where: MetricLocation): string;
}

export type RowStatus = "passed" | "breached" | "look" | "no-gate";

/** What decides a row's marking: its gate result, else the metric's rule of thumb. */
export interface RowJudgement {
  readonly status: RowStatus;
  /** The gate's allowed interval, when gated. */
  readonly allowed?: { readonly low: number; readonly high: number };
  /** The rule of thumb, when not gated and the metric has one. */
  readonly guidance?: Guidance;
  /** Why a gated value failed, as collect-results or the check said it. */
  readonly reason?: string;
}

/** A value outside its metric's rule of thumb deserves a look; only for values without a gate. */
export function outsideGuidance(code: string, value: number | null): Guidance | undefined {
  const guidance = metricInfo(code).guidance;
  if (guidance === undefined || value === null) return undefined;
  const low = guidance.low ?? Number.NEGATIVE_INFINITY;
  const high = guidance.high ?? Number.POSITIVE_INFINITY;
  return distanceOutside(value, low, high) > 0 ? guidance : undefined;
}

export function judge(metric: ReportMetric, gate: GateResult | undefined): RowJudgement {
  if (gate !== undefined) {
    return {
      status: gate.passed ? "passed" : "breached",
      allowed: allowedInterval(gate.gate),
      ...(gate.message === undefined ? {} : { reason: gate.message }),
    };
  }
  const guidance = metricInfo(metric.code).guidance;
  return {
    status: outsideGuidance(metric.code, metric.value) ? "look" : "no-gate",
    ...(guidance === undefined ? {} : { guidance }),
  };
}

/** The id of the row that carries a metric's explanation within a stage's section. */
export function explanationId(stage: BiasStage, code: string): string {
  return `explain-${stage}-${code}`;
}

/**
 * @param explain true on the first row of a metric in its section: the row carries the
 *   explanation; later rows of the same metric link back to it
 */
export function renderMetricRow(
  metric: ReportMetric,
  where: MetricLocation,
  judgement: RowJudgement,
  columns: readonly MetricColumn[] = [],
  explain = true,
  interval?: ReportInterval,
): string {
  const info = metricInfo(metric.code);
  const cells = columns
    .map((column) => ({ header: column.header, html: column.cell(metric, where) }))
    .filter((cell) => cell.html !== "");
  const extra =
    cells.length === 0
      ? ""
      : `<div class="m-extra">${cells
          .map(
            (cell) =>
              `<span class="m-extra-cell"><span class="m-extra-label">${escapeHtml(cell.header)}</span> ${cell.html}</span>`,
          )
          .join("")}</div>`;
  const shownInterval = metric.value === null ? undefined : interval;
  const value =
    metric.value === null
      ? '<span class="m-none">not computed</span>'
      : escapeHtml(formatValue(metric.value)) +
        (shownInterval === undefined ? "" : renderConfidence(shownInterval));
  const anchor = escapeHtml(explanationId(where.stage, metric.code));
  const explanation = explain
    ? renderExplanation(metric.code)
    : `<a href="#${anchor}">What ${escapeHtml(metric.code)} measures</a>`;
  return (
    `<div class="metric status-${judgement.status}" data-metric="${escapeHtml(metric.code)}"${explain ? ` id="${anchor}"` : ""}>` +
    `<div class="m-name"><span class="m-code">${escapeHtml(metric.code)}</span> ` +
    `<span class="m-long">${escapeHtml(info.name)}</span></div>` +
    `<div class="m-value">${value}</div>` +
    `<div class="m-scale">${metric.value === null ? renderNotComputed(metric) : renderScale(metric, metric.value, judgement, shownInterval)}</div>` +
    `<div class="m-status">${renderStatus(judgement)}</div>` +
    extra +
    `<p class="m-explain">${explanation}</p>` +
    "</div>"
  );
}

function renderNotComputed(metric: ReportMetric): string {
  return `<span class="null-error">${escapeHtml(metric.error ?? "no value")}</span>`;
}

/** `Measures …. Range −1 to 1, ideal 0; positive disadvantages the facet. Clarify documentation` */
export function renderExplanation(code: string): string {
  const info = metricInfo(code);
  const link =
    info.docsUrl === undefined
      ? ""
      : ` <a href="${escapeHtml(info.docsUrl)}" rel="noreferrer">${escapeHtml(code)} in the Clarify documentation</a>`;
  return (
    `${escapeHtml(capitalise(info.measures))}. Range ${escapeHtml(describeRange(info))}, ideal ` +
    `${escapeHtml(formatValue(info.ideal))}; ${escapeHtml(info.direction)}.${link}`
  );
}

function renderStatus(judgement: RowJudgement): string {
  switch (judgement.status) {
    case "passed":
      return `<strong>✓ passed</strong> <span class="m-rule">gate <span class="nw">${escapeHtml(describeBounds(judgement.allowed))}</span></span>`;
    case "breached":
      return `<strong>✗ breached</strong> <span class="m-rule">gate <span class="nw">${escapeHtml(describeBounds(judgement.allowed))}</span></span>`;
    case "look":
      return `<strong>⚠ worth a look</strong> <span class="m-rule">rule of thumb ${escapeHtml(describeGuidance(judgement.guidance))}, not a gate</span>`;
    case "no-gate":
      return '<span class="m-rule">no gate</span>';
  }
}

function describeBounds(bounds: { readonly low: number; readonly high: number } | undefined): string {
  return bounds === undefined ? "" : describeInterval(bounds.low, bounds.high);
}

/** `outside [0.8, 1.25]`, `above 0.1`: where a value lies against a rule of thumb it breaks. */
export function describeGuidanceBreach(guidance: Guidance): string {
  if (guidance.low !== null && guidance.high !== null) return `outside ${describeGuidance(guidance)}`;
  if (guidance.high !== null) return `above ${formatValue(guidance.high)}`;
  return `below ${formatValue(guidance.low ?? Number.NEGATIVE_INFINITY)}`;
}

export function describeGuidance(guidance: Guidance | undefined): string {
  if (guidance === undefined) return "";
  return describeInterval(
    guidance.low ?? Number.NEGATIVE_INFINITY,
    guidance.high ?? Number.POSITIVE_INFINITY,
  );
}

/** The drawn domain: the metric's natural range where bounded, else wide enough for everything shown. */
function scaleDomain(
  code: string,
  value: number,
  band: { readonly low: number; readonly high: number } | undefined,
): { readonly low: number; readonly high: number } {
  const info = metricInfo(code);
  const shown = [info.ideal];
  if (Number.isFinite(value)) shown.push(value);
  if (band !== undefined) {
    if (Number.isFinite(band.low)) shown.push(band.low);
    if (Number.isFinite(band.high)) shown.push(band.high);
  }
  if (info.min === null && info.max === null) {
    const half = Math.max(1, ...shown.map((v) => Math.abs(v - info.ideal) * 1.25));
    return { low: info.ideal - half, high: info.ideal + half };
  }
  const low = info.min ?? Math.min(...shown) - Math.max(1, (info.ideal - Math.min(...shown)) * 0.25);
  const high = info.max ?? Math.max(info.ideal + 1, Math.max(...shown) * 1.25);
  return { low, high };
}

/** `95 % interval [0.12, 0.31]` */
export function describeConfidence(interval: ReportInterval): string {
  return `${Number((interval.confidence * 100).toFixed(2))} % interval [${formatValue(interval.low)}, ${formatValue(interval.high)}]`;
}

/** The interval under the value: its level on one line, its ends on the next. */
function renderConfidence(interval: ReportInterval): string {
  const level = `${Number((interval.confidence * 100).toFixed(2))} % interval`;
  const ends = `[${formatValue(interval.low)}, ${formatValue(interval.high)}]`;
  return `<span class="m-interval">${escapeHtml(level)}<br>${escapeHtml(ends)}</span>`;
}

function renderScale(
  metric: ReportMetric,
  value: number,
  judgement: RowJudgement,
  interval: ReportInterval | undefined,
): string {
  const info = metricInfo(metric.code);
  const guidanceBand =
    judgement.guidance === undefined
      ? undefined
      : {
          low: judgement.guidance.low ?? Number.NEGATIVE_INFINITY,
          high: judgement.guidance.high ?? Number.POSITIVE_INFINITY,
        };
  const band = judgement.allowed ?? guidanceBand;
  const domain = scaleDomain(metric.code, value, band);
  const at = (v: number) => {
    const clamped = Math.min(domain.high, Math.max(domain.low, v));
    return round(((clamped - domain.low) / (domain.high - domain.low)) * 100);
  };
  const parts: string[] = [];
  if (band !== undefined) {
    const kind = judgement.allowed === undefined ? "guide-band" : "gate-band";
    parts.push(
      `<span class="${kind}" style="left:${at(band.low)}%;width:${round(at(band.high) - at(band.low))}%"></span>`,
    );
  }
  parts.push('<span class="axis"></span>');
  const from = Math.min(at(info.ideal), at(value));
  parts.push(
    `<span class="bar" style="left:${from}%;width:${round(Math.abs(at(value) - at(info.ideal)))}%"></span>`,
    `<span class="ideal" style="left:${at(info.ideal)}%"></span>`,
  );
  if (interval !== undefined) {
    // The error bar: the bootstrap interval, drawn across the value with caps at its ends.
    parts.push(
      `<span class="interval" style="left:${at(interval.low)}%;width:${round(at(interval.high) - at(interval.low))}%"></span>`,
    );
  }
  const offScale = value < domain.low || value > domain.high || !Number.isFinite(value);
  parts.push(`<span class="dot${offScale ? " off-scale" : ""}" style="left:${at(value)}%"></span>`);

  const ticks: string[] = [];
  // The ideal carries its own label; an end label equal to it would print on top of it.
  if (domain.low !== info.ideal)
    ticks.push(`<span class="tick" style="left:0%">${formatValue(domain.low)}</span>`);
  ticks.push(
    `<span class="tick tick-ideal ${anchor(at(info.ideal))}" style="left:${at(info.ideal)}%">ideal ${escapeHtml(formatValue(info.ideal))}</span>`,
  );
  if (domain.high !== info.ideal) {
    ticks.push(`<span class="tick end" style="left:100%">${escapeHtml(formatValue(domain.high))}</span>`);
  }
  const label =
    `${metric.code} = ${formatValue(value)}${offScale ? " (off scale)" : ""} on a scale from ` +
    `${formatValue(domain.low)} to ${formatValue(domain.high)}, ideal ${formatValue(info.ideal)}` +
    (judgement.allowed === undefined ? "" : `, gate allows ${describeBounds(judgement.allowed)}`) +
    (interval === undefined ? "" : `, ${describeConfidence(interval)}`);
  return (
    `<div class="scale" role="img" aria-label="${escapeHtml(label)}">` +
    `<div class="track">${parts.join("")}</div><div class="ticks">${ticks.join("")}</div></div>`
  );
}

/** Keeps a label centred on its mark unless the mark sits near an end of the track. */
function anchor(percent: number): "start" | "middle" | "end" {
  if (percent <= 8) return "start";
  return percent >= 92 ? "end" : "middle";
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
