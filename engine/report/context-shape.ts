/**
 * Reads `analysis_context.json` (contracts/analysis-context.ts) for the report. The context is
 * optional: the Clarify container writes none, and a file the report cannot read must not cost
 * the reader the metrics, so a problem is returned as a note naming the field instead of thrown.
 */
import type { AnalysisContext } from "../../contracts/analysis-context.ts";
import { isRecord } from "../../contracts/is-record.ts";

export type ContextReading =
  | { readonly context: AnalysisContext; readonly note?: undefined }
  | { readonly context?: undefined; readonly note: string };

/** Checks the fields the report shows; `raw` is the parsed JSON, or undefined when there is no file. */
export function readAnalysisContext(raw: unknown, absentNote: string): ContextReading {
  if (raw === undefined) return { note: absentNote };
  const problem = contextProblem(raw);
  if (problem !== undefined) {
    return { note: `analysis_context.json could not be shown: ${problem}` };
  }
  return { context: raw as AnalysisContext };
}

function contextProblem(raw: unknown): string | undefined {
  if (!isRecord(raw)) return "$ must be an object";
  if (raw.version !== "1") return `$.version must be "1", got ${JSON.stringify(raw.version)}`;
  const dataset = raw.dataset;
  if (!isRecord(dataset)) return "$.dataset must be an object";
  if (typeof dataset.datasetType !== "string") return "$.dataset.datasetType must be a string";
  if (!isStringArray(dataset.files)) return "$.dataset.files must be a list of strings";
  if (!isCount(dataset.rowsRead)) return "$.dataset.rowsRead must be a row count";
  if (
    !Array.isArray(dataset.rowsSkipped) ||
    !dataset.rowsSkipped.every((s) => isRecord(s) && typeof s.reason === "string" && isCount(s.rows))
  ) {
    return "$.dataset.rowsSkipped must be a list of {reason, rows}";
  }
  // No label reading when no bias method ran (explanations alone).
  const label = raw.label === undefined ? undefined : columnProblem(raw.label, "$.label");
  if (label) return label;
  if (raw.predictedLabel !== undefined) {
    const predicted = columnProblem(raw.predictedLabel, "$.predictedLabel");
    if (predicted) return predicted;
    const castTo = (raw.predictedLabel as Record<string, unknown>).castTo;
    if (castTo !== undefined && typeof castTo !== "string") {
      return "$.predictedLabel.castTo must be a dtype name (a string) when present";
    }
  }
  if (!Array.isArray(raw.facets)) return "$.facets must be a list";
  for (const [i, facet] of raw.facets.entries()) {
    const path = `$.facets[${i}]`;
    const column = columnProblem(facet, path);
    if (column) return column;
    const groups = (facet as Record<string, unknown>).groups;
    if (!Array.isArray(groups)) return `${path}.groups must be a list`;
    for (const [j, group] of groups.entries()) {
      const groupPath = `${path}.groups[${j}]`;
      if (!isRecord(group) || typeof group.valueOrThreshold !== "string") {
        return `${groupPath}.valueOrThreshold must be a string`;
      }
      for (const side of ["facet", "others"] as const) {
        const sideProblem = sideCountsProblem(group[side], `${groupPath}.${side}`);
        if (sideProblem) return sideProblem;
      }
    }
  }
  if (raw.groupVariable !== undefined && typeof raw.groupVariable !== "string") {
    return "$.groupVariable must be a string";
  }
  if (!Array.isArray(raw.warnings)) return "$.warnings must be a list";
  for (const [i, warning] of raw.warnings.entries()) {
    if (
      !isRecord(warning) ||
      typeof warning.code !== "string" ||
      typeof warning.message !== "string" ||
      typeof warning.failsGates !== "boolean"
    ) {
      return `$.warnings[${i}] must be {code, message, failsGates}`;
    }
  }
  return undefined;
}

function columnProblem(raw: unknown, path: string): string | undefined {
  if (!isRecord(raw)) return `${path} must be an object`;
  if (typeof raw.column !== "string") return `${path}.column must be a string`;
  if (raw.dataType !== "categorical" && raw.dataType !== "continuous") {
    return `${path}.dataType must be "categorical" or "continuous"`;
  }
  if (typeof raw.why !== "string") return `${path}.why must be a string`;
  const positive = raw.positive;
  const valid =
    isRecord(positive) &&
    (isStringArray(positive.values) || (typeof positive.threshold === "number" && !("values" in positive)));
  if (!valid) return `${path}.positive must be {values: [...]} or {threshold: n}`;
  if (
    !Array.isArray(raw.topValues) ||
    !raw.topValues.every((v) => isRecord(v) && typeof v.value === "string" && isCount(v.rows))
  ) {
    return `${path}.topValues must be a list of {value, rows}`;
  }
  return undefined;
}

function sideCountsProblem(raw: unknown, path: string): string | undefined {
  if (!isRecord(raw) || !isCount(raw.rows) || !isCount(raw.labelPositive)) {
    return `${path} must hold rows and labelPositive counts`;
  }
  if (raw.predictedPositive !== undefined && !isCount(raw.predictedPositive)) {
    return `${path}.predictedPositive must be a count`;
  }
  if (raw.confusion !== undefined) {
    const c = raw.confusion;
    if (!isRecord(c) || ![c.tp, c.fp, c.fn, c.tn].every(isCount)) {
      return `${path}.confusion must hold tp, fp, fn and tn counts`;
    }
  }
  return undefined;
}

function isStringArray(raw: unknown): raw is string[] {
  return Array.isArray(raw) && raw.every((v) => typeof v === "string");
}

function isCount(raw: unknown): raw is number {
  return typeof raw === "number" && Number.isInteger(raw) && raw >= 0;
}
