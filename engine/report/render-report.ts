/**
 * Renders analysis.json as one self-contained report.html: inline CSS, no script, font, image or
 * stylesheet from anywhere else, so the file opens offline. Every piece of text from the analysis
 * (facet names and values come from user data) is escaped.
 *
 * Reading order: the verdict, the warnings, what deserves a look, the analysis as it was read,
 * the groups the metrics are computed from, then every metric with its explanation.
 */
import { type ReportSection, readSections } from "./analysis-shape.ts";
import { readAnalysisContext } from "./context-shape.ts";
import type { GateResult } from "./gate-check.ts";
import { escapeHtml } from "./html-escape.ts";
import { type IntervalFinder, readIntervals } from "./interval-shape.ts";
import { judge, type MetricColumn, renderMetricRow } from "./metric-row.ts";
import { renderAnalysisStated, renderGroups, renderWarnings } from "./render-context.ts";
import { renderExplanations } from "./render-explanations.ts";
import { renderGuidance, renderVerdict } from "./render-verdict.ts";
import { REPORT_STYLES } from "./report-styles.ts";

export const DEFAULT_REPORT_TITLE = "Clarify bias report";
/** The default title of a report of explanations alone. */
export const EXPLANATIONS_REPORT_TITLE = "Clarify explainability report";

/** Said when no analysis_context.json is given. */
export const CONTEXT_ABSENT_NOTE =
  "How the dataset was read, how each column was typed and the group counts are not shown: " +
  "analysis_context.json is absent (the SageMaker Clarify container does not write it).";

export interface ReportOptions {
  /**
   * Shown in the page title and heading (`methods.report.title` of the analysis config).
   * @default "Clarify bias report"
   */
  readonly title?: string;
  /**
   * The run's verdict as collect-results evaluated it: one result per gated metric value;
   * undefined when the report knows no gates (the processing job's own report).
   */
  readonly gateResults?: readonly GateResult[];
  /** What to say when there are no gates. */
  readonly noGatesNote?: string;
  /** The parsed analysis_context.json; undefined when there is none. */
  readonly context?: unknown;
  /** Why there is no context, when it is absent. @default {@link CONTEXT_ABSENT_NOTE} */
  readonly contextAbsentNote?: string;
  /** Extra columns of every metric row (e.g. baseline, drift). */
  readonly metricColumns?: readonly MetricColumn[];
  /** The parsed intervals.json: each value's bootstrap interval is drawn as an error bar. */
  readonly intervals?: unknown;
}

const DEFAULT_NO_GATES_NOTE =
  "No gates were given, so no value can fail this analysis. Set gates in run.json " +
  '(e.g. "gates": {"DI": {"min": 0.8, "max": 1.25}}) to make a run fail on them.';

/** @throws AnalysisResultError when the analysis is not in Clarify's format (names the field). */
export function renderReport(analysis: Record<string, unknown>, options: ReportOptions = {}): string {
  const sections = readSections(analysis);
  // No bias method ran (shap / pdp alone): nothing to gate, group or measure against a rule of thumb.
  const explanationsOnly = sections.length === 0 && analysis.explanations !== undefined;
  const title = options.title ?? (explanationsOnly ? EXPLANATIONS_REPORT_TITLE : DEFAULT_REPORT_TITLE);
  const results = options.gateResults;
  const reading = readAnalysisContext(options.context, options.contextAbsentNote ?? CONTEXT_ABSENT_NOTE);
  const version = typeof analysis.version === "string" ? analysis.version : undefined;
  const gatedCodes = new Set((results ?? []).map((result) => result.metric));
  const intervalOf = readIntervals(options.intervals);
  const bias = (part: () => string) => (explanationsOnly ? "" : part());
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Belt and braces: even a file someone edits by hand may not load anything from outside.
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_STYLES}</style>`,
    "</head><body><main>",
    `<header><h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">${explanationsOnly ? "Explanations only (no bias method ran)" : describeContents(sections)}${version === undefined ? "" : ` · analysis.json version ${escapeHtml(version)}`}</p>`,
    "</header>",
    bias(() => renderVerdict(results, options.noGatesNote ?? DEFAULT_NO_GATES_NOTE)),
    renderWarnings(reading.context),
    bias(() => renderGuidance(sections, (code) => gatedCodes.has(code))),
    renderAnalysisStated(sections, reading.context, reading.note),
    bias(() => renderGroups(reading.context)),
    bias(() =>
      sections.length === 0
        ? '<p class="empty">The analysis holds no bias metrics.</p>'
        : renderLegend(options.intervals !== undefined),
    ),
    ...sections.map((section) =>
      renderSection(section, results ?? [], options.metricColumns ?? [], intervalOf),
    ),
    renderExplanations(analysis),
    "</main></body></html>",
    "",
  ].join("\n");
}

function describeContents(sections: readonly ReportSection[]): string {
  let values = 0;
  for (const section of sections) {
    for (const facet of section.facets) for (const value of facet.values) values += value.metrics.length;
  }
  return `${values} metric value${values === 1 ? "" : "s"} in ${sections.length} section${sections.length === 1 ? "" : "s"}`;
}

function renderLegend(withIntervals: boolean): string {
  return (
    '<p class="legend" aria-hidden="true"><span><span class="key key-ideal"></span> ideal value</span> ' +
    '<span><span class="key key-bar"></span> distance from the ideal</span> ' +
    (withIntervals
      ? '<span><span class="key key-interval"></span> bootstrap confidence interval</span> '
      : "") +
    '<span><span class="key key-band"></span> range the gate allows</span> ' +
    '<span><span class="key key-guide"></span> rule of thumb (no gate)</span> ' +
    '<span><span class="key key-breach"></span> breached</span></p>'
  );
}

function renderSection(
  section: ReportSection,
  results: readonly GateResult[],
  columns: readonly MetricColumn[],
  intervalOf: IntervalFinder,
): string {
  const parts = [
    `<section class="bias-section" id="${section.stage}"><h2>${escapeHtml(section.title)}</h2>`,
    `<p class="meta">Label <code>${escapeHtml(section.label)}</code>, positive value or threshold ` +
      `<code>${escapeHtml(section.labelValueOrThreshold)}</code></p>`,
  ];
  const explained = new Set<string>();
  for (const facet of section.facets) {
    for (const value of facet.values) {
      const where = { stage: section.stage, facet: facet.name, facetValue: value.valueOrThreshold };
      const rows = value.metrics.map((metric) => {
        const result = results.find(
          (r) =>
            r.metric === metric.code &&
            r.stage === section.stage &&
            r.facet === facet.name &&
            r.facetValue === value.valueOrThreshold,
        );
        const first = !explained.has(metric.code);
        explained.add(metric.code);
        const interval = intervalOf(section.stage, facet.name, value.valueOrThreshold, metric.code);
        return renderMetricRow(metric, where, judge(metric, result), columns, first, interval);
      });
      parts.push(
        `<div class="facet-value"><h3>Facet <code>${escapeHtml(facet.name)}</code> ` +
          `${/^\(.*\]$/.test(value.valueOrThreshold) ? "in" : "="} <code>${escapeHtml(value.valueOrThreshold)}</code> ` +
          '<span class="versus">compared with all other rows</span></h3>',
        `<div class="metrics">${rows.join("")}</div></div>`,
      );
    }
  }
  parts.push("</section>");
  return parts.join("\n");
}
