import { CLARIFY_CONTAINER_PATHS } from "../../shared/processing-job-api.ts";
import { childPath, isRecord, show } from "../problems.ts";
import type { Rule } from "./context.ts";
import { checkIsPrefix } from "./s3-locations.ts";

const OUTPUT_LOCAL_PATH = CLARIFY_CONTAINER_PATHS.output;

/** Exactly one output, analysis_result, uploaded at the end of the job to an S3 prefix. */
export const checkProcessingOutput: Rule = (draft, _context, problems) => {
  if (!draft.request) return;
  const configPath = `${draft.request.path}.ProcessingOutputConfig`;
  const config = draft.request.value.ProcessingOutputConfig;
  if (!isRecord(config)) {
    problems.add(
      configPath,
      `${show(config)} is not an object; ProcessingOutputConfig with the analysis_result output is required`,
    );
    return;
  }
  const outputs = config.Outputs;
  const outputsPath = `${configPath}.Outputs`;
  if (!Array.isArray(outputs) || outputs.length !== 1) {
    const count = Array.isArray(outputs) ? `${outputs.length} outputs` : show(outputs);
    problems.add(outputsPath, `${count} given; Outputs must hold exactly one output, named analysis_result`);
    if (!Array.isArray(outputs) || outputs.length === 0) return;
  }
  const output: unknown = outputs[0];
  const path = childPath(outputsPath, 0);
  if (!isRecord(output)) {
    problems.add(path, `${show(output)} is not a ProcessingOutput object`);
    return;
  }
  if (output.OutputName !== "analysis_result") {
    problems.add(
      `${path}.OutputName`,
      `${show(output.OutputName)} is not allowed; OutputName must be analysis_result`,
    );
  }
  const s3Output = output.S3Output;
  if (!isRecord(s3Output)) {
    problems.add(`${path}.S3Output`, `${show(s3Output)} is not an object; S3Output is required`);
    return;
  }
  if (s3Output.S3UploadMode !== "EndOfJob") {
    problems.add(
      `${path}.S3Output.S3UploadMode`,
      `${show(s3Output.S3UploadMode)} is not allowed; S3UploadMode must be EndOfJob`,
    );
  }
  if (s3Output.LocalPath !== OUTPUT_LOCAL_PATH) {
    problems.add(
      `${path}.S3Output.LocalPath`,
      `${show(s3Output.LocalPath)} is not where Clarify writes; LocalPath must be ${OUTPUT_LOCAL_PATH}`,
    );
  }
  if (typeof s3Output.S3Uri !== "string") {
    problems.add(
      `${path}.S3Output.S3Uri`,
      `${show(s3Output.S3Uri)} is missing or not a string; S3Uri (an S3 prefix) is required`,
    );
  } else {
    checkIsPrefix({ value: s3Output.S3Uri, path: `${path}.S3Output.S3Uri` }, problems);
  }
};
