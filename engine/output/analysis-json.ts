import type { MetricEntry } from "../metrics/evaluate-metrics.ts";
import type { ExplanationsJson } from "./explanations-json.ts";

/** One facet value's results, as in Clarify's analysis.json. */
export interface FacetResult {
  readonly value_or_threshold: string;
  readonly metrics: readonly MetricEntry[];
}

export interface BiasMetrics {
  readonly label: string;
  readonly label_value_or_threshold: string;
  readonly facets: Readonly<Record<string, readonly FacetResult[]>>;
}

/** The bias part of Clarify's analysis.json. */
export interface AnalysisJson {
  readonly version: string;
  readonly pre_training_bias_metrics?: BiasMetrics;
  readonly post_training_bias_metrics?: BiasMetrics;
  readonly explanations?: ExplanationsJson;
}
