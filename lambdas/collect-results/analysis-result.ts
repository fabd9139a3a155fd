/**
 * Reads the bias part of Clarify's `analysis.json`, checking its shape so that a
 * malformed result fails loudly instead of passing every gate by omission.
 */

import { BIAS_STAGES, type BiasStage } from "../../contracts/bias-stages.ts";
import { isRecord } from "../../contracts/is-record.ts";
import { parseMetricValue } from "../../contracts/metric-value.ts";
import { AnalysisResultError } from "../shared/errors.ts";
import { parseJsonDocument } from "./json-document.ts";

/** smclarify's errors for an empty side of a facet split (CI, DPL, DCO, DLR, FT, ...). */
const EMPTY_GROUP_ERROR = /(^|: )(negated )?facet set is empty/i;

export interface MetricValue {
  readonly name: string;
  readonly description?: string;
  /** null when Clarify could not compute the metric (e.g. an empty facet group). */
  readonly value: number | null;
}

export interface FacetValueMetrics {
  /** The facet value or threshold, as text ("0", "[30, 40]"). */
  readonly valueOrThreshold: string;
  readonly metrics: readonly MetricValue[];
  /**
   * Clarify's own error when one side of the split has no row ("Facet set is empty",
   * "Negated facet set is empty"): every metric of this facet value is then meaningless, even
   * one that came out as a number (CDDL is 0 on an empty group).
   */
  readonly emptyGroup?: string;
}

export interface StageMetrics {
  readonly label?: string;
  readonly labelValueOrThreshold?: string;
  /** Facet name → one entry per facet value. */
  readonly facets: Readonly<Record<string, readonly FacetValueMetrics[]>>;
}

/** The bias metrics of one analysis; a stage is absent when the config did not ask for it. */
export type BiasAnalysis = Partial<Record<BiasStage, StageMetrics>>;

/** Parses analysis.json; errors name `uri` and the JSON path that breaks Clarify's format. */
export function parseAnalysisResult(text: string, uri: string): BiasAnalysis {
  return biasAnalysisOf(parseJsonDocument(text, uri), uri);
}

/** The bias metrics of an already parsed analysis.json. */
export function biasAnalysisOf(document: unknown, uri: string): BiasAnalysis {
  const fail = (path: string, rule: string): never => {
    throw new AnalysisResultError(`${uri} is not in Clarify's analysis.json format: ${path} ${rule}`);
  };
  if (!isRecord(document)) return fail("$", "must be a JSON object");

  const analysis: BiasAnalysis = {};
  for (const [stage, key] of Object.entries(BIAS_STAGES) as [BiasStage, string][]) {
    const section = document[key];
    if (section === undefined || section === null) continue;
    const path = `$.${key}`;
    if (!isRecord(section)) return fail(path, "must be an object");
    if (!isRecord(section.facets)) return fail(`${path}.facets`, "must be an object keyed by facet name");
    // Keyed by the dataset's column names: without a prototype, a facet named "constructor" or
    // "__proto__" is looked up (a baseline's, the report's) and stored as any other name.
    const facets: Record<string, FacetValueMetrics[]> = Object.create(null);
    for (const [facet, values] of Object.entries(section.facets)) {
      const facetPath = `${path}.facets[${JSON.stringify(facet)}]`;
      if (!Array.isArray(values)) return fail(facetPath, "must be an array of {value_or_threshold, metrics}");
      facets[facet] = values.map((entry: unknown, index) => {
        const entryPath = `${facetPath}[${index}]`;
        if (!isRecord(entry) || !Array.isArray(entry.metrics)) {
          return fail(`${entryPath}.metrics`, "must be an array of {name, value}");
        }
        const emptyGroup = entry.metrics
          .map((metric: unknown) =>
            isRecord(metric) && typeof metric.error === "string" ? metric.error : "",
          )
          .find((error: string) => EMPTY_GROUP_ERROR.test(error));
        return {
          valueOrThreshold: asText(entry.value_or_threshold),
          ...(emptyGroup !== undefined && { emptyGroup }),
          metrics: entry.metrics.map((metric: unknown, metricIndex) => {
            if (!isRecord(metric) || typeof metric.name !== "string") {
              return fail(`${entryPath}.metrics[${metricIndex}].name`, "must be a metric code string");
            }
            return {
              name: metric.name,
              ...(typeof metric.description === "string" ? { description: metric.description } : {}),
              // null (not computable) and NaN cannot hold a gate; Infinity is a value that breaks one.
              value: toGateValue(parseMetricValue(metric.value)),
            };
          }),
        };
      });
    }
    analysis[stage] = {
      ...(section.label !== undefined ? { label: asText(section.label) } : {}),
      ...(section.label_value_or_threshold !== undefined
        ? { labelValueOrThreshold: asText(section.label_value_or_threshold) }
        : {}),
      facets,
    };
  }
  return analysis;
}

function toGateValue(value: number | null | undefined): number | null {
  return value === undefined || value === null || Number.isNaN(value) ? null : value;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}
