/**
 * What a job of several instances cannot compute. Each host of such a job counts only its shard
 * of the dataset and CollectResults merges the count tables (contracts/partial-counts.ts), which
 * is exact for every metric that is a function of the counts; with SHAP, each host explains its
 * shard's rows against the given baseline and CollectResults aggregates their local values. These
 * analyses are not exact from the parts: they are refused before any instance starts
 * (validate-config) and again by the engine on a host, rather than computed approximately under
 * the same name.
 */
import { isRecord } from "../../contracts/is-record.ts";
import type { ConfigProblem } from "./analysis-config.ts";

/** How every refusal of several instances ends: what the user can do instead. */
export const ONE_INSTANCE = "run it on one instance (job.instanceCount 1)";

/** Why a separate predicted label dataset cannot be read with several instances, and what to do. */
export const PREDICTED_LABELS_APART = `its rows must be read beside the dataset's rows, which a sharded dataset does not keep together; put the predicted labels in a dataset column, or ${ONE_INSTANCE}`;

/** Whether `methods.post_training_bias` asks for FT (`"all"` includes it). */
function asksForFlipTest(methods: Record<string, unknown>): boolean {
  const post = methods.post_training_bias;
  if (!isRecord(post)) return false;
  const selection = post.methods;
  return selection === "all" || (Array.isArray(selection) && selection.includes("FT"));
}

/** The analyses of `config` (the raw analysis_config.json) that a job of `instances` hosts cannot compute. */
export function multiInstanceLimits(config: unknown, instances: number): ConfigProblem[] {
  if (instances <= 1 || !isRecord(config)) return [];
  const problems: ConfigProblem[] = [];
  const methods = isRecord(config.methods) ? config.methods : {};
  const on = `with ${instances} instances`;
  if (asksForFlipTest(methods)) {
    problems.push({
      path: "$.methods.post_training_bias.methods",
      message: `FT ${on}: the Flip Test compares every facet row with its nearest neighbours among all the other rows, which no single host holds; list the post-training metrics without FT, or ${ONE_INSTANCE}`,
    });
  }
  const shap = methods.shap;
  if (isRecord(shap) && shap.baseline === undefined) {
    problems.push({
      path: "$.methods.shap.baseline",
      message: `methods.shap without a baseline ${on}: the baseline is clustered from the whole dataset, which no single host holds; give the baseline as rows or a file (a one-instance run writes the one it clusters to explanations_shap/baseline.csv, which can be given here), or ${ONE_INSTANCE}`,
    });
  }
  if (Object.hasOwn(methods, "pdp")) {
    problems.push({
      path: "$.methods.pdp",
      message: `methods.pdp ${on}: its grid comes from the whole dataset's values of each feature (their range, their categories), which no single host holds; ${ONE_INSTANCE}`,
    });
  }
  if (Object.hasOwn(methods, "post_training_bias") && !Object.hasOwn(config, "predicted_label")) {
    problems.push({
      path: "$.predicted_label",
      message: `post-training bias from the predictor's predictions ${on}: hosts do not call the model; give the predictions as a predicted_label column, or ${ONE_INSTANCE}`,
    });
  }
  if (Object.hasOwn(config, "predicted_label_dataset_uri")) {
    problems.push({
      path: "$.predicted_label_dataset_uri",
      message: `predicted_label_dataset_uri ${on}: ${PREDICTED_LABELS_APART}`,
    });
  }
  return problems;
}
