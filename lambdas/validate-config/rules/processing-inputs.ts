import { CLARIFY_CONTAINER_PATHS } from "../../shared/processing-job-api.ts";
import { childPath, isRecord, type Problems, show } from "../problems.ts";
import type { Rule } from "./context.ts";

/** Where the Clarify container reads each input. */
export const INPUT_LOCAL_PATHS: Readonly<Record<string, string>> = {
  analysis_config: CLARIFY_CONTAINER_PATHS.config,
  dataset: CLARIFY_CONTAINER_PATHS.data,
};

/** The fixed field values Clarify needs on the dataset input (absent means the API default, which is fine). */
const DATASET_FIXED: readonly { key: string; value: string; why: string }[] = [
  { key: "S3InputMode", value: "File", why: "Clarify reads files, not pipes" },
  { key: "S3CompressionType", value: "None", why: "Clarify reads uncompressed data" },
];
// S3DataDistributionType depends on the engine and the instance count: rules/dataset-distribution.ts.

/** ProcessingInputs of a raw request: analysis_config (required) and dataset, each an S3Input at its path. */
export const checkProcessingInputs: Rule = (draft, _context, problems) => {
  if (!draft.request) return;
  const path = `${draft.request.path}.ProcessingInputs`;
  const inputs = draft.request.value.ProcessingInputs;
  if (!Array.isArray(inputs)) {
    problems.add(path, `${show(inputs)} is not a list; ProcessingInputs must hold the analysis_config input`);
    return;
  }
  const seen = new Set<string>();
  inputs.forEach((input, index) => {
    checkInput(input, childPath(path, index), seen, problems);
  });
  if (!seen.has("analysis_config")) {
    problems.add(
      path,
      'no input named "analysis_config"; Clarify requires its analysis configuration as that input',
    );
  }
};

function checkInput(input: unknown, path: string, seen: Set<string>, problems: Problems): void {
  if (!isRecord(input)) {
    problems.add(path, `${show(input)} is not a ProcessingInput object`);
    return;
  }
  const name = input.InputName;
  if (name !== "analysis_config" && name !== "dataset") {
    problems.add(
      `${path}.InputName`,
      `${show(name)} is not an input Clarify reads; InputName must be "analysis_config" or "dataset"`,
    );
    return;
  }
  if (seen.has(name))
    problems.add(`${path}.InputName`, `"${name}" is given twice; each input name may appear once`);
  seen.add(name);
  const s3Input = input.S3Input;
  if (!isRecord(s3Input)) {
    problems.add(
      `${path}.S3Input`,
      `${show(s3Input)} is not an object; the ${name} input must be an S3Input (DatasetDefinition is not supported)`,
    );
    return;
  }
  const expectedPath = INPUT_LOCAL_PATHS[name];
  if (s3Input.LocalPath !== expectedPath) {
    problems.add(
      `${path}.S3Input.LocalPath`,
      `${show(s3Input.LocalPath)} is not where Clarify reads the ${name} input; LocalPath must be ${expectedPath}`,
    );
  }
  if (typeof s3Input.S3Uri !== "string")
    problems.add(
      `${path}.S3Input.S3Uri`,
      `${show(s3Input.S3Uri)} is missing or not a string; S3Uri is required`,
    );
  if (name !== "dataset") return;
  for (const { key, value, why } of DATASET_FIXED) {
    if (Object.hasOwn(s3Input, key) && s3Input[key] !== value) {
      problems.add(
        `${path}.S3Input.${key}`,
        `${show(s3Input[key])} is not allowed; ${key} must be ${value} (${why})`,
      );
    }
  }
  if (!Object.hasOwn(s3Input, "S3DataType")) {
    problems.add(`${path}.S3Input.S3DataType`, "S3DataType is required (S3Prefix or ManifestFile)");
  }
}
