/**
 * Reads the warnings of the engine's `analysis_context.json` (contracts/analysis-context.ts),
 * the side file the Clarify image does not write: absent, there are no warnings to apply.
 * A present but malformed file fails loudly, so a warning cannot be lost to a typo.
 */
import type { AnalysisWarning } from "../../contracts/analysis-context.ts";
import { isRecord } from "../../contracts/is-record.ts";
import { AnalysisResultError } from "../shared/errors.ts";

/** The warnings of an already parsed analysis_context.json (see json-document.ts). */
export function contextWarnings(document: unknown, uri: string): AnalysisWarning[] {
  const fail = (path: string, rule: string): never => {
    throw new AnalysisResultError(`${uri} is not an analysis context: ${path} ${rule}`);
  };
  if (!isRecord(document)) return fail("$", "must be a JSON object");
  if (!Array.isArray(document.warnings)) return fail("$.warnings", "must be an array");
  return document.warnings.map((warning: unknown, i) => {
    const path = `$.warnings[${i}]`;
    if (!isRecord(warning)) return fail(path, "must be an object");
    if (typeof warning.code !== "string") return fail(`${path}.code`, "must be a string");
    if (typeof warning.message !== "string") return fail(`${path}.message`, "must be a string");
    if (typeof warning.failsGates !== "boolean") return fail(`${path}.failsGates`, "must be true or false");
    for (const key of ["facet", "valueOrThreshold"] as const) {
      if (warning[key] !== undefined && typeof warning[key] !== "string") {
        return fail(`${path}.${key}`, "must be a string when present");
      }
    }
    return {
      code: warning.code,
      message: warning.message,
      failsGates: warning.failsGates,
      ...(typeof warning.facet === "string" && { facet: warning.facet }),
      ...(typeof warning.valueOrThreshold === "string" && { valueOrThreshold: warning.valueOrThreshold }),
    };
  });
}
