/**
 * The recent runs of a run's name under its output prefix, for the report's trend charts: the
 * gated values their summary.json recorded, oldest first.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { isRecord } from "../../contracts/is-record.ts";
import type { NormalizedRun } from "../../contracts/pipeline-state.ts";
import type { TrendPoint } from "../../engine/report/history-columns.ts";
import { outputPrefixOf, type RunRecord, readRecentRunRecords } from "../shared/run-folders.ts";
import { runFolderPrefix } from "../shared/run-id.ts";

/** Earlier runs a trend chart shows at most. */
export const TREND_RUNS = 10;

/**
 * The earlier runs of `run`'s name, newest first (this run left out): only as many as the
 * report's trends (`TREND_RUNS` gated runs) and a `latest: "passed"` baseline (the newest
 * passed run) need, read newest first, so a long history does not make every run slower.
 */
export async function earlierRuns(s3: S3Client, run: NormalizedRun): Promise<RunRecord[]> {
  const wantsPassed = run.baseline !== undefined && "latest" in run.baseline;
  return readRecentRunRecords(s3, outputPrefixOf(run.runUri), runFolderPrefix(run.runName), {
    // `credit-` also lists the folders of `credit-v2`: the summary's runName decides.
    keep: (record) => record.runId !== run.runId && record.summary.runName === run.runName,
    enough: (kept) =>
      kept.filter(isGated).length >= TREND_RUNS &&
      (!wantsPassed || kept.some((record) => record.summary.status === "Succeeded")),
  });
}

function isGated(record: RunRecord): boolean {
  return Array.isArray(record.summary.document.gates);
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
  const recent = records.filter(isGated).slice(0, TREND_RUNS);
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
