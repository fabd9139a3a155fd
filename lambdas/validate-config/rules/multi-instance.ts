/**
 * A builtin-engine job of several instances: SageMaker shards the dataset input across the
 * hosts (`ShardedByS3Key`), each host counts its share, and CollectResults merges the counts.
 * What such a job cannot compute (engine/config/multi-instance-limits.ts), and a dataset that is
 * not a job input (the config's `dataset_uri`, which every host would read whole), are refused
 * here, at the analysis config's paths. The Clarify image spreads its work over a Spark cluster
 * instead and keeps every rule of a Clarify job: nothing here applies to it.
 */
import type { ConfigProblem } from "../../../engine/config/analysis-config.ts";
import { multiInstanceLimits } from "../../../engine/config/multi-instance-limits.ts";
import type { DeploymentSettings } from "../../shared/settings.ts";
import type { RunDraft } from "../run-input.ts";

/** The job's instance count: the input's (when it is a valid count), else the deployment's default. */
export function instanceCountOf(draft: RunDraft, settings: DeploymentSettings): number {
  const value = draft.job.instanceCount?.value;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
  return draft.job.instanceCount ? 1 : settings.defaultInstanceCount;
}

/** Where the input names its instance count, for messages. */
export function instanceCountField(draft: RunDraft): string {
  return draft.form === "run" ? "job.instanceCount" : "ClusterConfig.InstanceCount";
}

/**
 * The problems of `config` (the raw analysis config, located from its root `$`) in a job of the
 * draft's instance count on the deployment's engine; none on the Clarify image or one instance.
 */
export function multiInstanceProblems(
  config: Record<string, unknown>,
  draft: RunDraft,
  settings: DeploymentSettings,
): ConfigProblem[] {
  if (settings.engine !== "builtin") return [];
  const instances = instanceCountOf(draft, settings);
  if (instances <= 1) return [];
  const problems = multiInstanceLimits(config, instances);
  if (!draft.datasetUri && Object.hasOwn(config, "dataset_uri")) {
    const input = draft.form === "run" ? "run.json's dataset.uri" : 'an input named "dataset"';
    problems.push({
      path: "$.dataset_uri",
      message: `dataset_uri with ${instances} instances: every host would read the whole of it and count every row; give the dataset as a job input (${input}), which SageMaker shards across the hosts, or run it on one instance (${instanceCountField(draft)} 1)`,
    });
  }
  return problems;
}
