/**
 * The job's environment variables that hand the processing container a model to explain
 * (`run --local` sets them from run.json's `localModel`): an ONNX file the container can read,
 * or the URL of a server speaking SageMaker's inference protocol.
 */
import type { ModelSource } from "../explain/model/open-model.ts";

export const MODEL_ENVIRONMENT = {
  onnx: "CLARIFY_PIPELINE_MODEL",
  endpoint: "CLARIFY_PIPELINE_MODEL_ENDPOINT",
  /** "1" in local runs: the job explains only a model handed to it, never the predictor's SageMaker model. */
  localOnly: "CLARIFY_PIPELINE_LOCAL_MODEL_ONLY",
} as const;

export function modelFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
): ModelSource | undefined {
  const onnx = environment[MODEL_ENVIRONMENT.onnx];
  if (onnx) return { onnx };
  const endpoint = environment[MODEL_ENVIRONMENT.endpoint];
  if (endpoint) return { endpoint };
  return undefined;
}
