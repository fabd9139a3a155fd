/**
 * Reads the parts of a Clarify analysis.json the report shows, checking each field's type so a
 * malformed file fails with the JSON path of the first bad field rather than a broken page.
 */

import { AnalysisResultError } from "../../contracts/analysis-errors.ts";
import { parseMetricValue } from "../../contracts/metric-value.ts";

export interface ReportMetric {
  /** Clarify's metric code (`CI`, `DPPL`, ...). */
  readonly code: string;
  readonly description: string;
  readonly value: number | null;
  /** Why the value is null, as Clarify wrote it. */
  readonly error: string | undefined;
}

export interface ReportFacetValue {
  readonly valueOrThreshold: string;
  readonly metrics: readonly ReportMetric[];
}

export interface ReportFacet {
  readonly name: string;
  readonly values: readonly ReportFacetValue[];
}

/** The two bias stages of analysis.json, named as collect-results names them. */
export type BiasStage = "pre_training" | "post_training";

export interface ReportSection {
  readonly stage: BiasStage;
  readonly title: string;
  readonly label: string;
  readonly labelValueOrThreshold: string;
  readonly facets: readonly ReportFacet[];
}

const SECTIONS = [
  ["pre_training", "pre_training_bias_metrics", "Pre-training bias metrics (the data)"],
  ["post_training", "post_training_bias_metrics", "Post-training bias metrics (the model's predictions)"],
] as const;

export function readSections(analysis: Record<string, unknown>): ReportSection[] {
  const sections: ReportSection[] = [];
  for (const [stage, key, title] of SECTIONS) {
    const raw = analysis[key];
    if (raw === undefined || raw === null) continue;
    const section = objectAt(raw, `$.${key}`);
    const facets = objectAt(section.facets, `$.${key}.facets`);
    sections.push({
      stage,
      title,
      label: text(section.label, `$.${key}.label`),
      labelValueOrThreshold: text(section.label_value_or_threshold, `$.${key}.label_value_or_threshold`),
      facets: Object.entries(facets).map(([name, values]) => ({
        name,
        values: arrayAt(values, `$.${key}.facets[${JSON.stringify(name)}]`).map((entry, i) =>
          readFacetValue(entry, `$.${key}.facets[${JSON.stringify(name)}][${i}]`),
        ),
      })),
    });
  }
  return sections;
}

function readFacetValue(raw: unknown, path: string): ReportFacetValue {
  const entry = objectAt(raw, path);
  return {
    valueOrThreshold: text(entry.value_or_threshold, `${path}.value_or_threshold`),
    metrics: arrayAt(entry.metrics, `${path}.metrics`).map((m, i) => readMetric(m, `${path}.metrics[${i}]`)),
  };
}

function readMetric(raw: unknown, path: string): ReportMetric {
  const metric = objectAt(raw, path);
  const value = parseMetricValue(metric.value);
  if (value === undefined) {
    throw new AnalysisResultError(
      `${path}.value must be a number, "Infinity", "-Infinity", "NaN" or null, got ${JSON.stringify(metric.value)}`,
    );
  }
  return {
    code: text(metric.name, `${path}.name`),
    description: metric.description === undefined ? "" : text(metric.description, `${path}.description`),
    // NaN has no place on a scale: show it like a value that could not be computed.
    value: Number.isNaN(value) ? null : value,
    error: Number.isNaN(value)
      ? "value is NaN"
      : metric.error === undefined || metric.error === null
        ? undefined
        : String(metric.error),
  };
}

function objectAt(raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new AnalysisResultError(`${path} must be an object, got ${JSON.stringify(raw)}`);
  }
  return raw as Record<string, unknown>;
}

function arrayAt(raw: unknown, path: string): unknown[] {
  if (!Array.isArray(raw))
    throw new AnalysisResultError(`${path} must be an array, got ${JSON.stringify(raw)}`);
  return raw;
}

/** Labels and facet values may be numbers or lists in analysis.json; the report shows them as text. */
function text(raw: unknown, path: string): string {
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" || typeof raw === "boolean" || Array.isArray(raw)) {
    return Array.isArray(raw) ? raw.map(String).join(", ") : String(raw);
  }
  throw new AnalysisResultError(`${path} must be a string, number or list, got ${JSON.stringify(raw)}`);
}
