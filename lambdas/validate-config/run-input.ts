/**
 * Reads both accepted input forms into one draft whose fields remember their JSON
 * paths, so every rule reports problems where the user wrote the value:
 *  - the run.json form (`runName`, `analysisConfig` | `analysisConfigUri`, `dataset`, `job`, ...);
 *  - `{ "processingJobRequest": { ...CreateProcessingJob request... } }`.
 * Reading is tolerant: wrong types are left for the rules to report.
 */
import { CREATE_PROCESSING_JOB_FIELDS } from "../shared/processing-job-api.ts";
import {
  childPath,
  isRecord,
  type Located,
  locate,
  type Problems,
  rejectUnknownKeys,
  show,
} from "./problems.ts";

/** The job settings as found in the input (absent fields get deployment defaults later). */
export interface JobDraft {
  readonly instanceType?: Located;
  readonly instanceCount?: Located;
  readonly volumeSizeInGB?: Located;
  readonly volumeKmsKeyId?: Located;
  readonly maxRuntimeInSeconds?: Located;
  readonly imageUri?: Located;
  readonly roleArn?: Located;
  readonly vpcConfig?: Located;
  readonly tags?: Located;
  readonly environment?: Located;
  readonly outputKmsKeyId?: Located;
  readonly enableNetworkIsolation?: Located;
  /** Request form only; the job is renamed when started, but a given name must still be valid. */
  readonly processingJobName?: Located;
}

export interface RunDraft {
  readonly form: "run" | "request";
  readonly runName?: Located;
  /** The inline analysis configuration. */
  readonly analysisConfig?: Located;
  readonly analysisConfigUri?: Located;
  /** The run.json `dataset` object as written (run form only). */
  readonly dataset?: Located;
  readonly datasetUri?: Located;
  readonly datasetS3DataType?: Located;
  /** Path reported when the dataset is missing. */
  readonly datasetPath: string;
  readonly outputUri?: Located;
  readonly job: JobDraft;
  readonly gates?: Located;
  readonly baseline?: Located;
  readonly modelPackageArn?: Located;
  /** run --local only: the model the explanations call (an ONNX path or { endpoint }). */
  readonly localModel?: Located;
  /** The raw CreateProcessingJob request (request form only). */
  readonly request?: Located & { readonly value: Record<string, unknown> };
}

export const RUN_KEYS = [
  "runName",
  "analysisConfig",
  "analysisConfigUri",
  "dataset",
  "outputUri",
  "job",
  "gates",
  "baseline",
  "modelPackageArn",
  "localModel",
] as const;
/** Keys that may accompany `processingJobRequest`: the rest comes from the request itself. */
export const REQUEST_FORM_KEYS = [
  "processingJobRequest",
  "runName",
  "gates",
  "baseline",
  "modelPackageArn",
] as const;
export const DATASET_KEYS = ["uri", "s3DataType"] as const;
export const JOB_KEYS = [
  "instanceType",
  "instanceCount",
  "volumeSizeInGB",
  "volumeKmsKeyId",
  "maxRuntimeInSeconds",
  "imageUri",
  "roleArn",
  "vpcConfig",
  "tags",
  "environment",
  "outputKmsKeyId",
  "enableNetworkIsolation",
] as const;

/** Returns the draft, or undefined when the input is not an object at all (then a problem was added). */
export function readRunInput(input: unknown, problems: Problems): RunDraft | undefined {
  if (!isRecord(input)) {
    problems.add("$", `the run input must be a JSON object, got ${show(input)}`);
    return undefined;
  }
  if (isAnalysisConfig(input)) {
    problems.add("$", ANALYSIS_CONFIG_GIVEN);
    return undefined;
  }
  return Object.hasOwn(input, "processingJobRequest")
    ? readRequestForm(input, problems)
    : readRunForm(input, problems);
}

/** Keys only a Clarify analysis_config.json has at its top level. */
const ANALYSIS_CONFIG_KEYS = ["dataset_type", "methods", "label_values_or_threshold", "facet"] as const;

export const ANALYSIS_CONFIG_GIVEN =
  'this is a Clarify analysis config, not a run input (run.json); a run.json names it in "analysisConfigUri" (a path or S3 URI) or holds it inline in "analysisConfig", and names the data in "dataset": { "uri": ... }';

/** Keys that only a run input has, the ones that bring the analysis config. */
const RUN_INPUT_MARKERS = ["analysisConfig", "analysisConfigUri", "processingJobRequest"] as const;

/** A run input (run.json) given where an analysis config was expected (`analyze --config run.json`). */
export function isRunInput(input: Record<string, unknown>): boolean {
  const keys = Object.keys(input);
  return (
    keys.some((key) => (RUN_INPUT_MARKERS as readonly string[]).includes(key)) &&
    !keys.some((key) => (ANALYSIS_CONFIG_KEYS as readonly string[]).includes(key))
  );
}

/**
 * An analysis config given where the run input was expected (`--input analysis_config.json`):
 * one problem that says what was expected, instead of one unknown key per config field.
 */
export function isAnalysisConfig(input: Record<string, unknown>): boolean {
  const runKeys: readonly string[] = [...RUN_KEYS, ...REQUEST_FORM_KEYS];
  const keys = Object.keys(input);
  return (
    !keys.some((key) => runKeys.includes(key)) &&
    keys.some((key) => (ANALYSIS_CONFIG_KEYS as readonly string[]).includes(key))
  );
}

function readRunForm(input: Record<string, unknown>, problems: Problems): RunDraft {
  rejectUnknownKeys(input, RUN_KEYS, "$", problems);
  const dataset = locate(input, "dataset", "$");
  if (dataset && !isRecord(dataset.value)) {
    problems.add(
      dataset.path,
      `${show(dataset.value)} is not an object; dataset must be { "uri": ..., "s3DataType": ... }`,
    );
  } else if (dataset && isRecord(dataset.value)) {
    rejectUnknownKeys(dataset.value, DATASET_KEYS, dataset.path, problems);
    if (!Object.hasOwn(dataset.value, "uri"))
      problems.add(childPath(dataset.path, "uri"), "dataset.uri is required");
  }
  const job = locate(input, "job", "$");
  const jobValue = job?.value;
  if (job && !isRecord(jobValue)) {
    problems.add(job.path, `${show(jobValue)} is not an object; job must be an object of job settings`);
  } else if (job && isRecord(jobValue)) {
    rejectUnknownKeys(jobValue, JOB_KEYS, job.path, problems);
  }
  const jobPath = "$.job";
  const jobField = (key: (typeof JOB_KEYS)[number]) => locate(jobValue, key, jobPath);
  return {
    form: "run",
    runName: locate(input, "runName", "$"),
    analysisConfig: locate(input, "analysisConfig", "$"),
    analysisConfigUri: locate(input, "analysisConfigUri", "$"),
    dataset,
    datasetUri: locate(dataset?.value, "uri", "$.dataset"),
    datasetS3DataType: locate(dataset?.value, "s3DataType", "$.dataset"),
    datasetPath: "$.dataset",
    outputUri: locate(input, "outputUri", "$"),
    job: {
      instanceType: jobField("instanceType"),
      instanceCount: jobField("instanceCount"),
      volumeSizeInGB: jobField("volumeSizeInGB"),
      volumeKmsKeyId: jobField("volumeKmsKeyId"),
      maxRuntimeInSeconds: jobField("maxRuntimeInSeconds"),
      imageUri: jobField("imageUri"),
      roleArn: jobField("roleArn"),
      vpcConfig: jobField("vpcConfig"),
      tags: jobField("tags"),
      environment: jobField("environment"),
      outputKmsKeyId: jobField("outputKmsKeyId"),
      enableNetworkIsolation: jobField("enableNetworkIsolation"),
    },
    gates: locate(input, "gates", "$"),
    baseline: locate(input, "baseline", "$"),
    modelPackageArn: locate(input, "modelPackageArn", "$"),
    localModel: locate(input, "localModel", "$"),
  };
}

const REQUEST_PATH = "$.processingJobRequest";

function readRequestForm(input: Record<string, unknown>, problems: Problems): RunDraft {
  for (const key of Object.keys(input)) {
    if (!(REQUEST_FORM_KEYS as readonly string[]).includes(key)) {
      problems.add(
        childPath("$", key),
        `"${key}" cannot be combined with processingJobRequest (allowed beside it: ${REQUEST_FORM_KEYS.slice(1).join(", ")})`,
      );
    }
  }
  const raw = input.processingJobRequest;
  const base = {
    form: "request" as const,
    runName: locate(input, "runName", "$"),
    gates: locate(input, "gates", "$"),
    baseline: locate(input, "baseline", "$"),
    modelPackageArn: locate(input, "modelPackageArn", "$"),
    datasetPath: `${REQUEST_PATH}.ProcessingInputs`,
  };
  if (!isRecord(raw)) {
    problems.add(
      REQUEST_PATH,
      `${show(raw)} is not an object; processingJobRequest must be a CreateProcessingJob request`,
    );
    return { ...base, job: {} };
  }
  rejectUnknownKeys(raw, CREATE_PROCESSING_JOB_FIELDS, REQUEST_PATH, problems);
  const inputs = Array.isArray(raw.ProcessingInputs) ? raw.ProcessingInputs : [];
  const inputIndex = (name: string) => inputs.findIndex((item) => isRecord(item) && item.InputName === name);
  const s3Input = (index: number) => {
    const path = `${REQUEST_PATH}.ProcessingInputs[${index}].S3Input`;
    const value = isRecord(inputs[index]) ? (inputs[index] as Record<string, unknown>).S3Input : undefined;
    return { value, path };
  };
  const configInput = inputIndex("analysis_config");
  const datasetInput = inputIndex("dataset");
  const config = configInput >= 0 ? s3Input(configInput) : undefined;
  const dataset = datasetInput >= 0 ? s3Input(datasetInput) : undefined;
  const outputs = locate(raw.ProcessingOutputConfig, "Outputs", `${REQUEST_PATH}.ProcessingOutputConfig`);
  const firstOutput = Array.isArray(outputs?.value) ? outputs.value[0] : undefined;
  const cluster = locate(raw.ProcessingResources, "ClusterConfig", `${REQUEST_PATH}.ProcessingResources`);
  const network = locate(raw, "NetworkConfig", REQUEST_PATH);
  const clusterField = (key: string) => locate(cluster?.value, key, cluster?.path ?? "");
  return {
    ...base,
    analysisConfigUri: config && locate(config.value, "S3Uri", config.path),
    datasetUri: dataset && locate(dataset.value, "S3Uri", dataset.path),
    datasetS3DataType: dataset && locate(dataset.value, "S3DataType", dataset.path),
    outputUri: locate(
      isRecord(firstOutput) ? firstOutput.S3Output : undefined,
      "S3Uri",
      `${outputs?.path ?? ""}[0].S3Output`,
    ),
    job: {
      instanceType: clusterField("InstanceType"),
      instanceCount: clusterField("InstanceCount"),
      volumeSizeInGB: clusterField("VolumeSizeInGB"),
      volumeKmsKeyId: clusterField("VolumeKmsKeyId"),
      maxRuntimeInSeconds: locate(
        raw.StoppingCondition,
        "MaxRuntimeInSeconds",
        `${REQUEST_PATH}.StoppingCondition`,
      ),
      imageUri: locate(raw.AppSpecification, "ImageUri", `${REQUEST_PATH}.AppSpecification`),
      roleArn: locate(raw, "RoleArn", REQUEST_PATH),
      vpcConfig: locate(network?.value, "VpcConfig", `${REQUEST_PATH}.NetworkConfig`),
      tags: locate(raw, "Tags", REQUEST_PATH),
      environment: locate(raw, "Environment", REQUEST_PATH),
      outputKmsKeyId: locate(
        raw.ProcessingOutputConfig,
        "KmsKeyId",
        `${REQUEST_PATH}.ProcessingOutputConfig`,
      ),
      enableNetworkIsolation: locate(
        network?.value,
        "EnableNetworkIsolation",
        `${REQUEST_PATH}.NetworkConfig`,
      ),
      processingJobName: locate(raw, "ProcessingJobName", REQUEST_PATH),
    },
    request: { value: raw, path: REQUEST_PATH },
  };
}
