/**
 * The drift of each gated value against its baseline as bias-metric values named `<code>Drift`
 * (e.g. `DIDrift`), so they go out as EMF beside the metrics and the dashboard can graph them.
 */
import { type BiasMetricValues, DRIFT_METRIC_SUFFIX } from "../shared/bias-metrics-emf.ts";
import type { GateEvaluation } from "./gates.ts";

export function driftMetricValues(evaluations: readonly GateEvaluation[]): BiasMetricValues {
  const values: Record<string, Record<string, Map<string, { name: string; value: number }[]>>> = {};
  for (const evaluation of evaluations) {
    if (evaluation.drift === undefined) continue;
    const facets = values[evaluation.stage] ?? {};
    values[evaluation.stage] = facets;
    const byValue = facets[evaluation.facet] ?? new Map<string, { name: string; value: number }[]>();
    facets[evaluation.facet] = byValue;
    const metrics = byValue.get(evaluation.facetValue) ?? [];
    metrics.push({ name: `${evaluation.metric}${DRIFT_METRIC_SUFFIX}`, value: evaluation.drift });
    byValue.set(evaluation.facetValue, metrics);
  }
  const stage = (facets: Record<string, Map<string, { name: string; value: number }[]>> | undefined) =>
    facets && {
      facets: Object.fromEntries(
        Object.entries(facets).map(([facet, byValue]) => [
          facet,
          [...byValue].map(([valueOrThreshold, metrics]) => ({ valueOrThreshold, metrics })),
        ]),
      ),
    };
  const pre = stage(values.pre_training);
  const post = stage(values.post_training);
  return { ...(pre && { pre_training: pre }), ...(post && { post_training: post }) };
}
