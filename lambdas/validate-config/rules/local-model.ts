import { isRecord } from "../../../contracts/is-record.ts";
import type { Problems } from "../problems.ts";
import type { RunDraft } from "../run-input.ts";
import type { RuleContext } from "./context.ts";

/**
 * `localModel`: the model `run --local` explains (methods.shap, methods.pdp), an ONNX file path
 * relative to run.json or `{ "endpoint": "http://..." }`. It names a file or server on this
 * machine, so a run bound for AWS refuses it: there the analysis config's predictor names the model.
 */
export function checkLocalModel(draft: RunDraft, context: RuleContext, problems: Problems): void {
  const field = draft.localModel;
  if (field === undefined) return;
  if (!context.allowLocalPaths) {
    problems.add(
      field.path,
      "is read only by run --local (a model on this machine); on AWS the analysis config's predictor names the model",
    );
    return;
  }
  const problem = localModelProblem(field.value);
  if (problem) problems.add(field.path, problem);
}

/** What is wrong with a `localModel` value, or undefined when it names a model. */
export function localModelProblem(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return undefined;
  if (
    isRecord(value) &&
    Object.keys(value).length === 1 &&
    typeof value.endpoint === "string" &&
    /^https?:\/\/\S+$/.test(value.endpoint)
  ) {
    return undefined;
  }
  return `${JSON.stringify(value)} is not a model: give the path of an ONNX file, or { "endpoint": "http://host:port" }`;
}
