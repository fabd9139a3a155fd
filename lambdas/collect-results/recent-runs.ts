/**
 * The recent runs of a run's name under its output prefix, for the report's trend charts: the
 * gated values their summary.json recorded, oldest first.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { TrendPoint } from "../../engine/report/history-columns.ts";
import type { NormalizedRun } from "../shared/contracts.ts";
import { isRecord } from "../shared/is-record.ts";
import { outputPrefixOf, type RunRecord, readRunRecords } from "../shared/run-folders.ts";
import { runFolderPrefix } from "../shared/run-id.ts";

/** Earlier runs a trend chart shows at most. */
export const TREND_RUNS = 10;

/** The earlier runs of `run`'s name, newest first (this run left out). */
export async function earlierRuns(s3: S3Client, run: NormalizedRun): Promise<RunRecord[]> {
  const records = await readRunRecords(s3, outputPrefixOf(run.runUri), runFolderPrefix(run.runName));
  return records.filter((record) => record.runId !== run.runId && record.summary.runName === run.runName);
}

export type TrendFinder = (
  metric: string,
  stage: string,
  facet: string,
  facetValue: string,
) => readonly TrendPoint[] | undefined;

/** The values of each gated metric, facet and value over the newest `TREND_RUNS` runs that gated it. */
export function gatedTrends(records: readonly RunRecord[]): TrendFinder {
  const points = new Map<string, TrendPoint[]>();
  const recent = records
    .filter((record) => Array.isArray(record.summary.document.gates))
    .slice(0, TREND_RUNS);
  for (const record of [...recent].reverse()) {
    const when = record.summary.startTime ?? "";
    const passed = record.summary.status === "Succeeded";
    for (const evaluation of record.summary.document.gates as unknown[]) {
      if (!isRecord(evaluation) || typeof evaluation.value !== "number") continue;
      const key = keyOf(evaluation.metric, evaluation.stage, evaluation.facet, evaluation.facetValue);
      const list = points.get(key) ?? [];
      list.push({ when, value: evaluation.value, passed });
      points.set(key, list);
    }
  }
  return (metric, stage, facet, facetValue) => points.get(keyOf(metric, stage, facet, facetValue));
}

function keyOf(...parts: unknown[]): string {
  return JSON.stringify(parts);
}
