import { CliError } from "./cli-error.ts";

/** `--threads` of analyze and process: a whole number of at least 1. */
export function threadsFlag(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new CliError(`--threads ${text} must be a whole number of at least 1`);
  }
  return value;
}
