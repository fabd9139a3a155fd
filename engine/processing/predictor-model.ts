/**
 * The model a processing job explains: a model handed to it through the environment (run
 * --local's localModel), else the analysis config's predictor, as Clarify calls it: an existing
 * endpoint (`endpoint_name`), or a shadow endpoint the job makes for `model_name` and deletes.
 */
import { readFile } from "node:fs/promises";
import type { SageMakerClient, Tag } from "@aws-sdk/client-sagemaker";
import type { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { isRecord } from "../../contracts/is-record.ts";
import type { ModelSource } from "../explain/model/open-model.ts";
import type { ShadowEndpointOptions } from "../explain/model/shadow-endpoint.ts";
import { MODEL_ENVIRONMENT, modelFromEnvironment } from "./model-environment.ts";

/** SageMaker writes the job's own description here; its ProcessingJobArn is what ListTags reads. */
export const PROCESSING_JOB_CONFIG = "/opt/ml/config/processingjobconfig.json";

export interface PredictorModelOptions {
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  /** @default clients for the job's region and credentials */
  readonly sagemaker?: () => SageMakerClient;
  readonly runtime?: () => SageMakerRuntimeClient;
  /** @default /opt/ml/config/processingjobconfig.json */
  readonly processingJobConfigPath?: string;
  /** Waits and stop handling of the shadow endpoint (tests shorten them). */
  readonly shadowEndpoint?: Pick<
    ShadowEndpointOptions,
    "waitTimeoutMs" | "pollIntervalMs" | "onTerminate" | "uniqueSuffix"
  >;
}

/** Runs `use` with the model the job explains, or none when the config needs none. */
export async function withPredictorModel<T>(
  config: Record<string, unknown>,
  options: PredictorModelOptions,
  use: (model: ModelSource | undefined) => Promise<T>,
): Promise<T> {
  const given = modelFromEnvironment(options.environment);
  if (given) return use(given);
  const predictor = config.predictor;
  // A local run explains only the model it was handed: it has no SageMaker to call.
  if (
    options.environment[MODEL_ENVIRONMENT.localOnly] === "1" ||
    !isRecord(predictor) ||
    !needsModel(config)
  ) {
    return use(undefined);
  }
  const runtime = options.runtime?.();
  const region = options.environment.AWS_REGION ?? options.environment.AWS_DEFAULT_REGION ?? "us-east-1";
  if (typeof predictor.endpoint_name === "string" && predictor.endpoint_name !== "") {
    options.log(`model: SageMaker endpoint ${predictor.endpoint_name}`);
    return use({ sagemakerEndpoint: predictor.endpoint_name, ...(runtime && { runtime }) });
  }
  // The SageMaker SDK loads only for a job that makes a shadow endpoint.
  const { SageMakerClient } = await import("@aws-sdk/client-sagemaker");
  const { withShadowEndpoint } = await import("../explain/model/shadow-endpoint.ts");
  const sagemaker = options.sagemaker?.() ?? new SageMakerClient({ region });
  try {
    const tags = await jobTags(sagemaker, options);
    return await withShadowEndpoint(
      {
        modelName: predictor.model_name as string,
        instanceType: predictor.instance_type as string,
        initialInstanceCount: predictor.initial_instance_count as number,
        ...(typeof predictor.accelerator_type === "string" && {
          acceleratorType: predictor.accelerator_type,
        }),
        ...(typeof predictor.endpoint_name_prefix === "string" && {
          endpointNamePrefix: predictor.endpoint_name_prefix,
        }),
      },
      { sagemaker, tags, log: options.log, ...options.shadowEndpoint },
      (name) => use({ sagemakerEndpoint: name, ...(runtime && { runtime }) }),
    );
  } finally {
    if (!options.sagemaker) sagemaker.destroy();
  }
}

/** SHAP and PDP call the model; post-training bias does when no predicted labels are given. */
function needsModel(config: Record<string, unknown>): boolean {
  const methods = isRecord(config.methods) ? config.methods : {};
  if (Object.hasOwn(methods, "shap") || Object.hasOwn(methods, "pdp")) return true;
  return Object.hasOwn(methods, "post_training_bias") && !Object.hasOwn(config, "predicted_label");
}

/**
 * The processing job's tags, which Clarify copies onto its shadow endpoint (ListTags on the
 * job's ARN). Tags AWS reserves (`aws:`) cannot be set and are left out. Without the job's
 * description or the permission, the endpoint goes untagged and the log says why.
 */
async function jobTags(sagemaker: SageMakerClient, options: PredictorModelOptions): Promise<Tag[]> {
  const path = options.processingJobConfigPath ?? PROCESSING_JOB_CONFIG;
  let jobArn: unknown;
  try {
    jobArn = (JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>).ProcessingJobArn;
  } catch {
    options.log(`note: no ${path}: the shadow endpoint is not tagged with the job's tags`);
    return [];
  }
  if (typeof jobArn !== "string") return [];
  const tags: Tag[] = [];
  const { ListTagsCommand } = await import("@aws-sdk/client-sagemaker");
  try {
    let token: string | undefined;
    do {
      const page = await sagemaker.send(
        new ListTagsCommand({ ResourceArn: jobArn, ...(token && { NextToken: token }) }),
      );
      tags.push(...(page.Tags ?? []).filter((tag) => !tag.Key?.startsWith("aws:")));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    options.log(
      `warning: the job's tags cannot be read (${(error as Error).name}: ${(error as Error).message}); the shadow endpoint is not tagged`,
    );
    return [];
  }
  return tags;
}
