import { childPath, isRecord, show } from "../problems.ts";
import type { Rule } from "./context.ts";
import { checkS3Uri } from "./s3-locations.ts";

const FORMS = '{ "analysisUri": "s3://..." } or { "latest": "passed" }';

/** `baseline` names exactly one earlier analysis: an analysis.json, or the newest passed run. */
export const checkBaseline: Rule = (draft, context, problems) => {
  const field = draft.baseline;
  if (!field) return;
  if (!isRecord(field.value)) {
    problems.add(field.path, `${show(field.value)} is not an object; baseline must be ${FORMS}`);
    return;
  }
  const keys = Object.keys(field.value);
  for (const key of keys) {
    if (key !== "analysisUri" && key !== "latest") {
      problems.add(childPath(field.path, key), `unknown key "${key}" (allowed: analysisUri, latest)`);
    }
  }
  const hasUri = Object.hasOwn(field.value, "analysisUri");
  const hasLatest = Object.hasOwn(field.value, "latest");
  if (hasUri === hasLatest) {
    problems.add(field.path, `baseline must give exactly one of analysisUri and latest: ${FORMS}`);
    return;
  }
  if (hasLatest && field.value.latest !== "passed") {
    problems.add(
      childPath(field.path, "latest"),
      `${show(field.value.latest)} is not supported; latest must be "passed" (the newest run of this runName whose gates passed)`,
    );
  }
  // Without a runName the run folder is named after the execution alone, which no earlier run
  // shares: the baseline would never be found and the drift gates would silently judge nothing.
  if (hasLatest && draft.runName === undefined) {
    problems.add(
      childPath(field.path, "latest"),
      'needs a runName: "latest" looks up earlier runs of the same runName, and a run without one has no earlier runs (set runName, or give analysisUri)',
    );
  }
  if (hasUri) {
    checkS3Uri(
      { value: field.value.analysisUri, path: childPath(field.path, "analysisUri") },
      context,
      problems,
      {
        what: "baseline.analysisUri",
        localPathAllowed: true,
      },
    );
  }
};
