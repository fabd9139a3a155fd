/**
 * Names for executions started from the command line. Step Functions takes 1 to 80
 * characters and refuses whitespace, brackets, wildcards and punctuation such as
 * `" # % \ ^ | ~ ` $ & , ; : /`; names are unique per state machine for 90 days.
 * The generated name keeps only letters, digits, `.`, `-` and `_` (runName's own alphabet).
 */
import { CliError } from "../cli-error.ts";

export const MAX_EXECUTION_NAME_LENGTH = 80;

/** What Step Functions refuses in a name (besides control characters). */
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * `<runName>-<UTC timestamp>-<4 hex>`: readable in the console's execution list, and unique
 * for concurrent pipeline runs that start in the same second.
 */
export function defaultExecutionName(runName: string | undefined, now: Date, random: () => number): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "");
  const suffix = `${stamp}-${Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, "0")}`;
  const room = MAX_EXECUTION_NAME_LENGTH - suffix.length - 1;
  const base = (runName ?? "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, room)
    .replace(/[-.]+$/, "");
  return base ? `${base}-${suffix}` : `clarify-${suffix}`;
}

/** `--name` as given, checked against Step Functions' rules so the error names the option. */
export function checkExecutionName(name: string): string {
  if (name.length < 1 || name.length > MAX_EXECUTION_NAME_LENGTH) {
    throw new CliError(
      `--name ${name} is ${name.length} characters; an execution name must be 1 to ${MAX_EXECUTION_NAME_LENGTH}`,
    );
  }
  const bad = FORBIDDEN.exec(name)?.[0] ?? CONTROL.exec(name)?.[0];
  if (bad !== undefined) {
    throw new CliError(
      `--name ${name} contains ${JSON.stringify(bad)}; an execution name may not hold whitespace, brackets, wildcards or any of " # % \\ ^ | ~ \` $ & , ; : /`,
    );
  }
  return name;
}
