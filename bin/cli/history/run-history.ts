/**
 * What `clarify-pipeline history` shows of each run: when it started, its name, its verdict
 * and the values of the metrics asked for. The records come from a local runs folder or an S3
 * output prefix; this module only turns them into rows and lines.
 */
import { BIAS_STAGES } from "../../../contracts/bias-stages.ts";
import { type BiasAnalysis, parseAnalysisResult } from "../../../lambdas/collect-results/analysis-result.ts";
import { forReading } from "../../../lambdas/collect-results/gates.ts";
import type { RunSummary } from "../../../lambdas/shared/run-folders.ts";

/** One run as the history knows it, wherever its folder is. */
export interface HistoryRecord {
  readonly runId: string;
  readonly summary: RunSummary;
  /** The run folder: a local path or an s3:// URI. */
  readonly location: string;
  /** Reads the run's output/analysis.json; undefined when it has none. */
  readonly readAnalysis: () => Promise<string | undefined>;
}

export interface MetricValueRow {
  readonly metric: string;
  readonly stage: keyof typeof BIAS_STAGES;
  readonly facet: string;
  readonly facetValue: string;
  readonly value: number | null;
}

export interface HistoryRow {
  readonly runId: string;
  readonly runName: string;
  /** ISO 8601; absent when the summary does not say. */
  readonly startTime?: string;
  /** summary.json's status: Succeeded, BiasGateFailed, Failed, Aborted. */
  readonly status: string;
  /** passed, gate-failed, failed, aborted, ... */
  readonly verdict: string;
  readonly location: string;
  /** The chosen metrics' values, per facet value; empty when none was chosen or found. */
  readonly metrics: readonly MetricValueRow[];
}

const VERDICTS: Readonly<Record<string, string>> = {
  Succeeded: "passed",
  BiasGateFailed: "gate-failed",
  Failed: "failed",
  Aborted: "aborted",
};

/** The rows of `records` (already newest first), reading analysis.json only when metrics are asked for. */
export async function historyRows(
  records: readonly HistoryRecord[],
  metrics: readonly string[],
): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  for (const record of records) {
    const { summary } = record;
    rows.push({
      runId: record.runId,
      runName: summary.runName ?? record.runId,
      ...(summary.startTime && { startTime: summary.startTime }),
      status: summary.status,
      verdict: VERDICTS[summary.status] ?? summary.status.toLowerCase(),
      location: record.location,
      metrics: metrics.length === 0 ? [] : await metricValues(record, metrics),
    });
  }
  return rows;
}

async function metricValues(record: HistoryRecord, metrics: readonly string[]): Promise<MetricValueRow[]> {
  let analysis: BiasAnalysis;
  try {
    const text = await record.readAnalysis();
    if (text === undefined) return [];
    analysis = parseAnalysisResult(text, `${record.location} analysis.json`);
  } catch {
    // A run whose analysis.json is unreadable shows no values; its verdict says what happened.
    return [];
  }
  const rows: MetricValueRow[] = [];
  for (const metric of metrics) {
    for (const stage of Object.keys(BIAS_STAGES) as (keyof typeof BIAS_STAGES)[]) {
      for (const [facet, values] of Object.entries(analysis[stage]?.facets ?? {})) {
        for (const entry of values) {
          const found = entry.metrics.find((m) => m.name === metric);
          if (found)
            rows.push({ metric, stage, facet, facetValue: entry.valueOrThreshold, value: found.value });
        }
      }
    }
  }
  return rows;
}

/** One line per run: `2026-12-01T17:00:00Z  credit-model  passed  DI sex=F 0.82`. */
export function formatHistoryLines(rows: readonly HistoryRow[], metrics: readonly string[]): string[] {
  const when = rows.map((row) => (row.startTime ? row.startTime.replace(/\.\d+Z$/, "Z") : "-"));
  const nameWidth = Math.max(0, ...rows.map((row) => row.runName.length));
  const verdictWidth = Math.max(0, ...rows.map((row) => row.verdict.length));
  return rows.map((row, index) => {
    const columns = [when[index] ?? "-", row.runName.padEnd(nameWidth), row.verdict.padEnd(verdictWidth)];
    if (metrics.length > 0) columns.push(metricsText(row, metrics));
    return columns.join("  ").trimEnd();
  });
}

function metricsText(row: HistoryRow, metrics: readonly string[]): string {
  return metrics
    .map((metric) => {
      const values = row.metrics.filter((m) => m.metric === metric);
      if (values.length === 0) return `${metric} -`;
      return values
        .map((m) => `${metric} ${m.facet}=${m.facetValue} ${m.value === null ? "null" : forReading(m.value)}`)
        .join(", ");
    })
    .join("; ");
}
