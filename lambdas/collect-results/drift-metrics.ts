/**
 * The drift of each gated value against its baseline as bias-metric values named `<code>Drift`
 * (e.g. `DIDrift`), so they go out as EMF beside the metrics and the dashboard can graph them.
 */

import type { BiasStage } from "../../contracts/bias-stages.ts";
import type { GateEvaluation } from "../../contracts/gate-evaluation.ts";
import { type BiasMetricValues, DRIFT_METRIC_SUFFIX } from "../shared/bias-metrics-emf.ts";

type Drifts = { name: string; value: number }[];

export function driftMetricValues(evaluations: readonly GateEvaluation[]): BiasMetricValues {
  // Maps, not objects: facets are the dataset's column names, "constructor" among them.
  const stages = new Map<BiasStage, Map<string, Map<string, Drifts>>>();
  for (const evaluation of evaluations) {
    if (evaluation.drift === undefined) continue;
    const facets = entry(stages, evaluation.stage, () => new Map<string, Map<string, Drifts>>());
    const byValue = entry(facets, evaluation.facet, () => new Map<string, Drifts>());
    const metrics = entry(byValue, evaluation.facetValue, (): Drifts => []);
    metrics.push({ name: `${evaluation.metric}${DRIFT_METRIC_SUFFIX}`, value: evaluation.drift });
  }
  const stage = (facets: Map<string, Map<string, Drifts>> | undefined) =>
    facets && {
      facets: Object.fromEntries(
        [...facets].map(([facet, byValue]) => [
          facet,
          [...byValue].map(([valueOrThreshold, metrics]) => ({ valueOrThreshold, metrics })),
        ]),
      ),
    };
  const pre = stage(stages.get("pre_training"));
  const post = stage(stages.get("post_training"));
  return { ...(pre && { pre_training: pre }), ...(post && { post_training: post }) };
}

/** The value at `key`, added by `create` when absent. */
function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
