/**
 * `methods.pdp`: the partial dependence of each chosen feature (the config's, else the SHAP
 * ranking's first `top_k_features`) over its grid, every row's prediction averaged per grid
 * value, run by the executor in blocks.
 */
import type { AnalysisConfig } from "../../config/analysis-config.ts";
import type { PdpConfig } from "../../config/explain-config.ts";
import type { PdpEntry } from "../../output/explanations-json.ts";
import type { Executor } from "../explain-executor.ts";
import { type BlockResult, blockCount, type ExplainJob } from "../explain-job.ts";
import { featureIndex, labelNames } from "../feature-refs.ts";
import type { FeatureTable } from "../feature-table.ts";
import { collectPdp, type PdpSettings, pdpCurveSettings, pdpGrid } from "./partial-dependence.ts";

export async function explainPdp(
  config: AnalysisConfig,
  pdpConfig: PdpConfig,
  table: FeatureTable,
  /** The features by SHAP importance (first label), most important first; empty without SHAP. */
  ranking: readonly number[],
  executor: Executor,
  perCall: number | undefined,
): Promise<{ readonly entries: PdpEntry[]; readonly evaluations: number }> {
  const N = table.rows;
  const features =
    pdpConfig.features?.map((ref, i) => featureIndex(ref, table, `$.methods.pdp.features[${i}]`)) ??
    ranking.slice(0, pdpConfig.topKFeatures);
  const grids = features.map((feature) =>
    pdpGrid(table.values, table.featureCount, feature, table.categories[feature], pdpConfig.gridResolution),
  );
  const settings: PdpSettings = {
    featureCount: table.featureCount,
    curves: features.map((feature, i) =>
      pdpCurveSettings(feature, (grids[i] as (typeof grids)[0]).grid, table.featureCount, perCall),
    ),
  };
  const job: ExplainJob = { kind: "pdp", settings };
  const curves = await collectPdp(settings, N, (take) =>
    executor.run(job, blockCount(job, N), take as (block: number, result: BlockResult) => void),
  );
  let evaluations = 0;
  const entries = features.map((feature, i) => {
    const categories = table.categories[feature];
    const { grid, dataType, distribution } = grids[i] as (typeof grids)[0];
    const predictions = curves[i] as Float64Array[];
    evaluations += N * grid.length;
    return {
      feature_name: table.names[feature] as string,
      data_type: dataType,
      feature_values: Array.from(grid, (v) => (categories ? (categories[v] as string) : v)),
      data_distribution: Array.from(distribution),
      model_predictions: predictions.map((p) => Array.from(p)),
      label_headers: labelNames(config, predictions.length),
    };
  });
  return { entries, evaluations };
}
