import { checkString, show } from "../problems.ts";
import type { Rule } from "./context.ts";

/** runName becomes a folder of the run's S3 prefix: letters, digits, `-`, `_`, `.`; no `..`. */
export const RUN_NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

export const checkRunName: Rule = (draft, _context, problems) => {
  const field = draft.runName;
  if (!field || !checkString(field, problems, "runName")) return;
  if (!RUN_NAME_PATTERN.test(field.value)) {
    problems.add(
      field.path,
      `${show(field.value)} is not a safe folder name; runName must be 1-100 characters of letters, digits, "-", "_" and "."`,
    );
  } else if (field.value.includes("..") || /^\.+$/.test(field.value)) {
    problems.add(field.path, `${show(field.value)} contains ".."; runName must not navigate folders`);
  }
};
