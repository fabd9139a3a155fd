/**
 * Finds the analysis a run's drift bounds compare with: the analysis.json the run names, or
 * the newest earlier run of the same runName whose gates passed (found by listing the run
 * folders under the output prefix and reading their summary.json).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { BaselineSpec, NormalizedRun } from "../../contracts/pipeline-state.ts";
import { joinS3Uri } from "../../contracts/s3-uri.ts";
import { outputPrefixOf, type RunRecord, readRecentRunRecords } from "../shared/run-folders.ts";
import { runFolderPrefix } from "../shared/run-id.ts";
import { readTextIfExists } from "../shared/s3-objects.ts";
import { type BiasAnalysis, parseAnalysisResult } from "./analysis-result.ts";

export type ResolvedBaseline =
  /** The baseline's metrics, from `analysisUri` (and the run it belongs to, for `latest`). */
  | {
      readonly found: true;
      readonly analysisUri: string;
      readonly runId?: string;
      readonly analysis: BiasAnalysis;
    }
  /** `latest: "passed"` before any run of this name passed: drift has nothing to compare with yet. */
  | { readonly found: false; readonly note: string }
  /** The named baseline cannot be read: every drift bound fails with this reason. */
  | { readonly found: false; readonly problem: string; readonly analysisUri?: string };

/**
 * @param earlier the run folders of this runName under the output prefix, newest first, when
 *   already read (else they are listed here)
 */
export async function resolveBaseline(
  s3: S3Client,
  run: NormalizedRun,
  spec: BaselineSpec,
  earlier?: readonly RunRecord[],
): Promise<ResolvedBaseline> {
  if ("analysisUri" in spec) return readBaselineAnalysis(s3, spec.analysisUri);
  const outputUri = outputPrefixOf(run.runUri);
  let records: readonly RunRecord[];
  try {
    records =
      earlier ??
      (await readRecentRunRecords(s3, outputUri, runFolderPrefix(run.runName), {
        keep: (record) => record.runId !== run.runId && record.summary.runName === run.runName,
        enough: (kept) => kept.some((record) => record.summary.status === "Succeeded"),
      }));
  } catch (error) {
    return {
      found: false,
      problem: `the earlier runs under ${outputUri} cannot be listed: ${(error as Error).message}`,
    };
  }
  const latest = records.find(
    (record) =>
      record.runId !== run.runId &&
      record.summary.runName === run.runName &&
      record.summary.status === "Succeeded",
  );
  if (!latest) {
    return {
      found: false,
      note: `no earlier run of "${run.runName}" under ${outputUri} passed its gates yet: drift bounds are not checked (this run can become the baseline)`,
    };
  }
  const resolved = await readBaselineAnalysis(s3, joinS3Uri(latest.runUri, "output", "analysis.json"));
  return resolved.found ? { ...resolved, runId: latest.runId } : resolved;
}

async function readBaselineAnalysis(s3: S3Client, analysisUri: string): Promise<ResolvedBaseline> {
  let text: string | undefined;
  try {
    text = await readTextIfExists(s3, analysisUri);
  } catch (error) {
    return {
      found: false,
      analysisUri,
      problem: `the baseline ${analysisUri} cannot be read: ${(error as Error).message}`,
    };
  }
  if (text === undefined)
    return { found: false, analysisUri, problem: `the baseline ${analysisUri} does not exist` };
  try {
    return { found: true, analysisUri, analysis: parseAnalysisResult(text, analysisUri) };
  } catch (error) {
    return { found: false, analysisUri, problem: `the baseline ${(error as Error).message}` };
  }
}
