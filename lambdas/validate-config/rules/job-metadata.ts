import { childPath, isRecord, show } from "../problems.ts";
import type { Rule } from "./context.ts";

/** Tags: at most 50 `{ Key, Value }` pairs of strings (CreateProcessingJob limits). */
export const checkTags: Rule = (draft, _context, problems) => {
  const field = draft.job.tags;
  if (!field) return;
  if (!Array.isArray(field.value) || field.value.length > 50) {
    problems.add(field.path, `${show(field.value)} is not a list of at most 50 { "Key", "Value" } tags`);
    return;
  }
  field.value.forEach((tag, index) => {
    const ok =
      isRecord(tag) &&
      typeof tag.Key === "string" &&
      tag.Key.length >= 1 &&
      tag.Key.length <= 128 &&
      typeof tag.Value === "string" &&
      tag.Value.length <= 256 &&
      Object.keys(tag).every((key) => key === "Key" || key === "Value");
    if (!ok) {
      problems.add(
        childPath(field.path, index),
        `${show(tag)} is not a tag { "Key": 1-128 chars, "Value": 0-256 chars }`,
      );
    }
  });
};

const ENV_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,255}$/;

/** Environment: at most 100 string variables. */
export const checkEnvironment: Rule = (draft, _context, problems) => {
  const field = draft.job.environment;
  if (!field) return;
  if (!isRecord(field.value) || Object.keys(field.value).length > 100) {
    problems.add(field.path, `${show(field.value)} is not an object of at most 100 string variables`);
    return;
  }
  for (const [name, value] of Object.entries(field.value)) {
    if (!ENV_NAME.test(name))
      problems.add(childPath(field.path, name), `"${name}" is not a valid environment variable name`);
    if (typeof value !== "string" || value.length > 256) {
      problems.add(childPath(field.path, name), `${show(value)} is not a string of at most 256 characters`);
    }
  }
};

/** KMS key ids are opaque strings (key id, alias or ARN) of at most 2048 characters. */
export const checkKmsKeys: Rule = (draft, _context, problems) => {
  for (const field of [draft.job.volumeKmsKeyId, draft.job.outputKmsKeyId]) {
    if (field && (typeof field.value !== "string" || field.value === "" || field.value.length > 2048)) {
      problems.add(field.path, `${show(field.value)} is not a KMS key id, alias or ARN`);
    }
  }
};
