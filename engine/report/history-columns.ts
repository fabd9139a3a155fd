/**
 * The metric-row columns a run with history adds to its report: the baseline's value beside
 * this run's (with the drift when a maxDrift gate measured it), and a small trend chart of a
 * gated value over the recent runs of the same name.
 */
import { formatValue } from "./format.ts";
import { escapeHtml } from "./html-escape.ts";
import { metricInfo } from "./metric-catalog.ts";
import type { MetricColumn, MetricLocation } from "./metric-row.ts";
import { renderTrendChart, type TrendPoint } from "./trend-chart.ts";

export type { TrendPoint };

/** Finds a value for a metric at a location; undefined when there is none. */
export type ValueFinder<T> = (where: MetricLocation, code: string) => T | undefined;

/**
 * @param baselineOf the baseline's value (null when it had none)
 * @param driftOf the drift a maxDrift gate measured
 * @param source what the baseline is, e.g. "run credit-2026-11-01"
 */
export function baselineColumn(
  baselineOf: ValueFinder<number | null>,
  driftOf: ValueFinder<number>,
  source: string,
): MetricColumn {
  return {
    header: "baseline",
    cell(metric, where) {
      const before = baselineOf(where, metric.code);
      if (before === undefined) return "";
      const shown = before === null ? "not computed" : formatValue(before);
      const drift = driftOf(where, metric.code);
      const driftText =
        drift === undefined
          ? ""
          : ` <span class="m-drift">drift ${escapeHtml(`${drift > 0 ? "+" : ""}${formatValue(drift)}`)} ${drift > 0 ? "(further from the ideal)" : "(no worse)"}</span>`;
      return `<span title="${escapeHtml(source)}">${escapeHtml(shown)}</span>${driftText}`;
    },
  };
}

/** A trend chart for the values `pointsOf` has earlier runs for (the gated ones). */
export function trendColumn(pointsOf: ValueFinder<readonly TrendPoint[]>): MetricColumn {
  return {
    header: "trend",
    cell(metric, where) {
      const points = pointsOf(where, metric.code);
      if (points === undefined || points.length === 0 || metric.value === null) return "";
      return renderTrendChart(metric.code, points, metric.value, metricInfo(metric.code).ideal);
    },
  };
}
