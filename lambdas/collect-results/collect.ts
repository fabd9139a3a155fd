/**
 * The CollectResults step: read the job's analysis.json, evaluate the run's gates, write the
 * report with the verdict to `<runUri>report.html` and the verdict to `<runUri>summary.json`.
 * It reads and writes; it never deletes.
 * Then it emits the bias metric values (EMF) and the run's outcome event.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { ANALYSIS_CONTEXT_FILE, type AnalysisWarning } from "../../contracts/analysis-context.ts";
import { INTERVALS_FILE } from "../../contracts/intervals.ts";
import { intervalLookup } from "../../contracts/intervals-lookup.ts";
import type {
  BaselineSpec,
  CollectResultsEvent,
  GateBreach,
  Verdict,
} from "../../contracts/pipeline-state.ts";
import { joinS3Uri } from "../../contracts/s3-uri.ts";
import { type BiasMetricEmission, biasMetricDocuments } from "../shared/bias-metrics-emf.ts";
import { AnalysisResultError } from "../shared/errors.ts";
import { CAUSE_LIMIT, cutText } from "../shared/failure-text.ts";
import { gateVerdictEvent, type PublishRunEvent } from "../shared/run-events.ts";
import { objectExists, putJson, readTextIfExists } from "../shared/s3-objects.ts";
import { contextWarnings } from "./analysis-context.ts";
import { biasAnalysisOf } from "./analysis-result.ts";
import { type ResolvedBaseline, resolveBaseline } from "./baseline.ts";
import { driftMetricValues } from "./drift-metrics.ts";
import { breachForReading, evaluateGates } from "./gates.ts";
import { parseJsonDocument, parseJsonOrUndefined } from "./json-document.ts";
import { type MergedPartials, mergePartialResults } from "./partial-results.ts";
import { earlierRuns, gatedTrends } from "./recent-runs.ts";
import { writeRunReport } from "./run-report.ts";

export interface CollectResultsDeps {
  readonly s3: S3Client;
  /** Sends `Clarify Run Succeeded` or `Clarify Bias Gate Failed`; absent, no event is sent. */
  readonly publishRunEvent?: PublishRunEvent;
  /** Receives the bias metric values as EMF documents; absent, none are emitted. */
  readonly emitBiasMetrics?: (emission: BiasMetricEmission) => void;
  /** The largest tables object of partial counts this function merges (see partial-results.ts). @default no limit */
  readonly maxTablesBytes?: number;
  /** The memory the hosts' local SHAP values may take for agg_method "median" (see partial-results.ts). @default no limit */
  readonly maxShapBytes?: number;
  /** The function's time left in ms, which bounds the merge of partial counts (see partial-results.ts). @default no limit */
  readonly remainingMs?: () => number;
  /** Told when the job's hosts' partial counts were merged into the output files (for the log). */
  readonly onPartialsMerged?: (merged: MergedPartials) => void;
  /** The metrics' timestamp, ms since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** Breaches carried in the execution payload; summary.json holds all of them. */
export const MAX_VERDICT_BREACHES = 20;

export async function collectResults(event: CollectResultsEvent, deps: CollectResultsDeps): Promise<Verdict> {
  const { run, job, execution } = event;
  const analysisUri = joinS3Uri(run.runUri, "output", "analysis.json");
  const jobReportUri = joinS3Uri(run.runUri, "output", "report.html");
  const summaryUri = joinS3Uri(run.runUri, "summary.json");

  let analysisDocument = await readOutput(deps.s3, analysisUri);
  // A job of several instances wrote partial counts instead: merged here into analysis.json & co.
  const merged =
    analysisDocument === undefined
      ? await mergePartialResults(deps.s3, run.runUri, {
          ...(deps.maxTablesBytes !== undefined && { maxTablesBytes: deps.maxTablesBytes }),
          ...(deps.maxShapBytes !== undefined && { maxShapBytes: deps.maxShapBytes }),
          ...(deps.remainingMs && { remainingMs: deps.remainingMs }),
        })
      : undefined;
  if (merged) {
    deps.onPartialsMerged?.(merged);
    analysisDocument = await readOutput(deps.s3, analysisUri);
  }
  if (analysisDocument === undefined) {
    throw new AnalysisResultError(
      `analysis.json not found at ${analysisUri}: the job wrote no analysis result (and no partial counts in output/partial/)`,
    );
  }
  const analysis = biasAnalysisOf(analysisDocument, analysisUri);
  const contextUri = joinS3Uri(run.runUri, "output", ANALYSIS_CONTEXT_FILE);
  // Absent when the job wrote none (the Clarify image).
  const context = await readOutput(deps.s3, contextUri);
  const warnings = context === undefined ? undefined : contextWarnings(context, contextUri);
  const intervalsUri = joinS3Uri(run.runUri, "output", INTERVALS_FILE);
  const intervalsText = await readTextIfExists(deps.s3, intervalsUri);
  const intervalsDocument = intervalsText === undefined ? undefined : parseJsonOrUndefined(intervalsText);
  const intervals = intervalLookup(intervalsDocument);
  // The earlier runs of this name: a latest-passed baseline and the report's trends come from them.
  const earlier = await earlierRuns(deps.s3, run).catch((error: Error) => error);
  const baseline =
    run.baseline &&
    (await resolveBaseline(deps.s3, run, run.baseline, earlier instanceof Error ? undefined : earlier));
  const { evaluations, breaches, applied } = evaluateGates(analysis, run.gates, warnings ?? [], {
    ...(intervals && { intervals }),
    ...(baseline && { baseline }),
  });
  const passed = breaches.length === 0;
  const status = passed ? "Succeeded" : "BiasGateFailed";
  const reportedBreaches = breaches.slice(0, MAX_VERDICT_BREACHES);
  const hasJobReport = await objectExists(deps.s3, jobReportUri);
  const report = await writeRunReport(
    deps.s3,
    run,
    analysisDocument as Record<string, unknown>,
    evaluations,
    {
      ...(context !== undefined && { context }),
      ...(intervalsDocument !== undefined && { intervals: intervalsDocument }),
      ...(baseline?.found && { baseline }),
      ...(!(earlier instanceof Error) && { trends: gatedTrends(earlier) }),
    },
  );

  await putJson(deps.s3, summaryUri, {
    status,
    runId: run.runId,
    runName: run.runName,
    execution,
    job,
    gates: evaluations,
    breaches,
    analysisUri,
    ...(warnings ? { contextUri, warnings } : {}),
    ...(intervals ? { intervalsUri } : {}),
    ...(run.baseline && baseline ? { baseline: baselineRecord(run.baseline, baseline) } : {}),
    ...report,
    ...(hasJobReport ? { jobReportUri } : {}),
  });

  const message = verdictMessage(evaluations.length, Object.keys(run.gates).length, breaches, applied);
  const timestamp = (deps.now ?? Date.now)();
  deps.emitBiasMetrics?.(biasMetricDocuments(analysis, run.runName, timestamp));
  if (evaluations.some((evaluation) => evaluation.drift !== undefined)) {
    deps.emitBiasMetrics?.(biasMetricDocuments(driftMetricValues(evaluations), run.runName, timestamp));
  }
  // After summary.json is written, so a consumer of the event can read it.
  await deps.publishRunEvent?.(
    gateVerdictEvent({
      status,
      runId: run.runId,
      runName: run.runName,
      execution,
      summaryUri,
      job: { name: job.ProcessingJobName, status: job.ProcessingJobStatus },
      message,
      breachCount: breaches.length,
      breaches: reportedBreaches,
      ...(breaches.length > MAX_VERDICT_BREACHES
        ? { breachesOmitted: breaches.length - MAX_VERDICT_BREACHES }
        : {}),
    }),
  );

  return {
    passed,
    breaches: reportedBreaches,
    summaryUri,
    // In the task's result, so the CLI names the report from the execution history alone.
    ...("reportUri" in report && { reportUri: report.reportUri }),
    message,
  };
}

/** One of the job's output files, parsed; undefined when the job did not write it. */
async function readOutput(s3: S3Client, uri: string): Promise<unknown> {
  let text: string | undefined;
  try {
    text = await readTextIfExists(s3, uri);
  } catch (error) {
    throw new AnalysisResultError(`cannot read ${uri}: ${(error as Error).message}`, { cause: error });
  }
  return text === undefined ? undefined : parseJsonDocument(text, uri);
}

/**
 * One line for people: every breach, worst first, values rounded to 4 significant digits
 * (summary.json keeps the exact values), then each warning that failed a gate, once. It is
 * BiasGateFailed's cause, so with many facets it is cut to what a Fail state's Cause holds
 * (summary.json keeps every breach).
 */
export function verdictMessage(
  checks: number,
  gateCount: number,
  breaches: readonly GateBreach[],
  warnings: readonly AnalysisWarning[] = [],
): string {
  if (gateCount === 0) return "no gates configured: analysis collected";
  if (breaches.length === 0) return `all ${gateCount} gates passed (${checks} metric values checked)`;
  const listed = breaches.map(breachForReading).join("; ");
  // The warnings that failed a gate, each once: the breaches above only name their code.
  const explained = warnings.map((w) => `${w.code}: ${w.message}`);
  const why = explained.length > 0 ? `. ${explained.join(" ")}` : "";
  return cutText(
    `${breaches.length} of ${checks} gated metric values breach their gate, worst first: ${listed}${why}`,
    CAUSE_LIMIT,
  );
}

/** What summary.json says about the baseline: what was asked for, and what was found. */
function baselineRecord(spec: BaselineSpec, baseline: ResolvedBaseline): Record<string, unknown> {
  if (baseline.found) {
    return {
      ...spec,
      found: true,
      analysisUri: baseline.analysisUri,
      ...(baseline.runId && { runId: baseline.runId }),
    };
  }
  return "note" in baseline
    ? { ...spec, found: false, note: baseline.note }
    : { ...spec, found: false, problem: baseline.problem };
}
