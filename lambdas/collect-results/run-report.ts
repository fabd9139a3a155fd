/**
 * The run folder's report.html: the job's analysis.json rendered with the run's verdict (which
 * the job cannot know), the engine's analysis_context.json when the job wrote one (collect-results
 * has read it already, for the gates), and the title the analysis config asks for. The report is for reading; the verdict stands without it, so a
 * report that cannot be written is recorded in summary.json rather than failing the run.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { GateEvaluation } from "../../contracts/gate-evaluation.ts";
import type { NormalizedRun } from "../../contracts/pipeline-state.ts";
import { joinS3Uri, parseS3Uri } from "../../contracts/s3-uri.ts";
import { baselineColumn, trendColumn } from "../../engine/report/history-columns.ts";
import type { MetricColumn, MetricLocation } from "../../engine/report/metric-row.ts";
import { renderReport } from "../../engine/report/render-report.ts";
import { reportTitle } from "../../engine/report/report-title.ts";
import { readTextIfExists } from "../shared/s3-objects.ts";
import type { ResolvedBaseline } from "./baseline.ts";
import type { TrendFinder } from "./recent-runs.ts";

export type RunReportOutcome = { readonly reportUri: string } | { readonly reportError: string };

/** What the report shows beside analysis.json and the gates. */
export interface RunReportSources {
  /** The parsed analysis_context.json; absent when the job wrote none (the Clarify image). */
  readonly context?: unknown;
  /** The parsed intervals.json: error bars. */
  readonly intervals?: unknown;
  /** The baseline the drift gates compared with: its values beside this run's. */
  readonly baseline?: Extract<ResolvedBaseline, { found: true }>;
  /** The earlier runs' gated values: trend charts. */
  readonly trends?: TrendFinder;
}

export async function writeRunReport(
  s3: S3Client,
  run: NormalizedRun,
  analysis: Record<string, unknown>,
  gateResults: readonly GateEvaluation[],
  history: RunReportSources = {},
): Promise<RunReportOutcome> {
  const reportUri = joinS3Uri(run.runUri, "report.html");
  try {
    const title = reportTitle(await readConfig(s3, run));
    const html = renderReport(analysis, {
      ...(title === undefined ? {} : { title }),
      gateResults,
      noGatesNote:
        'This run has no gates, so no value can fail it. Add "gates" to run.json (e.g. "DI": {"min": 0.8, "max": 1.25}) to make a run fail on them.',
      ...(history.context !== undefined && { context: history.context }),
      ...(history.intervals !== undefined && { intervals: history.intervals }),
      metricColumns: historyColumns(gateResults, history),
    });
    const location = parseS3Uri(reportUri);
    if (location === undefined) return { reportError: `${reportUri} is not an S3 URI` };
    await s3.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: html,
        ContentType: "text/html; charset=utf-8",
      }),
    );
    return { reportUri };
  } catch (error) {
    return { reportError: `${reportUri} was not written: ${(error as Error).message}` };
  }
}

/** The analysis config, inline or from its snapshot; undefined when it cannot be read (the title then defaults). */
async function readConfig(s3: S3Client, run: NormalizedRun): Promise<unknown> {
  if ("inline" in run.analysisConfig) return run.analysisConfig.inline;
  try {
    const text = await readTextIfExists(s3, run.analysisConfig.s3Uri);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** The baseline beside each value (with the measured drift), and a trend chart beside each gated one. */
function historyColumns(evaluations: readonly GateEvaluation[], history: RunReportSources): MetricColumn[] {
  const evaluationAt = (where: MetricLocation, code: string) =>
    evaluations.find(
      (e) =>
        e.metric === code &&
        e.stage === where.stage &&
        e.facet === where.facet &&
        e.facetValue === where.facetValue,
    );
  const columns: MetricColumn[] = [];
  const baseline = history.baseline;
  if (baseline) {
    const source = baseline.runId ? `run ${baseline.runId}` : baseline.analysisUri;
    columns.push(
      baselineColumn(
        (where, code) =>
          baseline.analysis[where.stage]?.facets[where.facet]
            ?.find((value) => value.valueOrThreshold === where.facetValue)
            ?.metrics.find((metric) => metric.name === code)?.value,
        (where, code) => evaluationAt(where, code)?.drift,
        source,
      ),
    );
  }
  const trends = history.trends;
  if (trends) {
    columns.push(
      trendColumn((where, code) =>
        evaluationAt(where, code) ? trends(code, where.stage, where.facet, where.facetValue) : undefined,
      ),
    );
  }
  return columns;
}
