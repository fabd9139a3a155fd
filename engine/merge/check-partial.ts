/**
 * Checks the shape of one host's host file `output/partial/<host>.json` and of each of its
 * tables objects `output/partial/<host>/<index>.json` (contracts/partial-counts.ts), so that a
 * damaged or foreign object fails with one line naming the object, the host and the field,
 * instead of merging into wrong numbers.
 */

import {
  PARTIAL_VERSION,
  type PartialCounts,
  type PartialFile,
  type PartialTables,
  shapObjectOf,
  tablesObjectOf,
} from "../../contracts/partial-counts.ts";
import { LEFT_OUT_ALL } from "../aggregate/column-profile.ts";
import type { CountTables } from "../aggregate/count-tables.ts";
import { configFloatAt } from "../config/config-json.ts";

/** A partial counts file is missing, unreadable, or does not fit the other hosts' files. */
export class PartialCountsError extends Error {
  override readonly name = "PartialCountsError" as const;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** The host file `source` (for messages, e.g. `partial/algo-2.json`) parsed as `document`, checked. */
export function checkPartial(document: unknown, source: string): PartialCounts {
  let where = source;
  const fail: Fail = (field, rule, value) => {
    throw new PartialCountsError(`${where}: ${field} ${rule}, got ${show(value)}`);
  };
  if (!isRecord(document)) fail("the file", "must hold a JSON object", document);
  const { version, host, hosts, config, configFloats, intervals, dataset, files, explanations, columnNames } =
    document;
  if (typeof host !== "string" || host === "") fail("host", "must be a host name", host);
  where = `${source} (host ${host})`;
  if (version !== PARTIAL_VERSION) fail("version", `must be "${PARTIAL_VERSION}"`, version);
  if (!Array.isArray(hosts) || !hosts.every((h) => typeof h === "string" && h !== "")) {
    fail("hosts", "must list the job's host names", hosts);
  }
  if (!hosts.includes(host)) fail("hosts", `must include the host ${host}`, hosts);
  if (!isRecord(config)) fail("config", "must be the analysis config object", config);
  if (
    configFloats !== undefined &&
    !(
      Array.isArray(configFloats) &&
      configFloats.every((path) => typeof path === "string" && configFloatAt(config, path))
    )
  ) {
    fail("configFloats", "must list places of the config's label and facet numbers", configFloats);
  }
  if (intervals !== false) {
    if (!isRecord(intervals)) fail("intervals", "must be false or {confidence, resamples, seed}", intervals);
    for (const key of ["confidence", "resamples", "seed"]) {
      if (!isNumber(intervals[key])) fail(`intervals.${key}`, "must be a number", intervals[key]);
    }
  }
  if (dataset !== undefined)
    checkShape(dataset, (field, rule, value) => fail(`dataset.${field}`, rule, value));
  if (!Array.isArray(files)) fail("files", "must be a list of {path, bytes, tables}", files);
  for (const [f, file] of (files as unknown[]).entries()) {
    const at = `files[${f}]`;
    if (!isRecord(file)) return fail(at, "must be {path, bytes, tables}", file);
    if (typeof file.path !== "string" || file.path === "" || file.path.startsWith("/")) {
      fail(`${at}.path`, "must be the file's path below the dataset input", file.path);
    }
    if (!isCount(file.bytes)) fail(`${at}.bytes`, "must be a whole number of bytes", file.bytes);
    // Only the objects the host wrote for this file: no other key of the run folder is read.
    const object = tablesObjectOf(host, f);
    if (file.tables !== undefined && file.tables !== object) {
      fail(`${at}.tables`, `must name its tables object ${object}`, file.tables);
    }
    const shap = shapObjectOf(host, f);
    if (file.shap !== undefined) {
      if (file.shap !== shap) fail(`${at}.shap`, `must name its local values object ${shap}`, file.shap);
      if (!isCount(file.shapRows)) fail(`${at}.shapRows`, "must be a whole number of rows", file.shapRows);
    }
  }
  if (explanations !== undefined) {
    checkExplanations(explanations, (field, rule, value) => fail(`explanations.${field}`, rule, value));
    // Every file's rows explained are in its local values object, and they add up.
    let rows = 0;
    for (const [f, file] of (files as Json[]).entries()) {
      if (file.shap === undefined) {
        fail(`files[${f}].shap`, "must name its local values object when the host explained rows", file.shap);
      }
      rows += file.shapRows as number;
    }
    const explained = (explanations as Json).rowsExplained;
    if (rows !== explained) {
      fail("explanations.rowsExplained", `must be the files' shapRows added up, ${rows}`, explained);
    }
  }
  if (columnNames !== undefined) {
    if (!isTexts(columnNames)) fail("columnNames", "must be a list of column names", columnNames);
    if (explanations !== undefined)
      fail("columnNames", "must be absent when the host explained rows", columnNames);
  }
  return document as unknown as PartialCounts;
}

/** Where a tables object belongs: its host file, the host, and its entry there. */
export interface TablesOrigin {
  /** The host file, for messages (e.g. `partial/algo-2.json`). */
  readonly source: string;
  readonly partial: PartialCounts;
  /** The file's index in the host file's `files`. */
  readonly index: number;
}

/**
 * The tables object of `origin`'s file (`source`, for messages: e.g. `partial/algo-2/0.json`)
 * parsed as `document`, checked; its count tables.
 */
export function checkTablesObject(document: unknown, source: string, origin: TablesOrigin): CountTables {
  const { partial, index } = origin;
  const file = partial.files[index] as PartialFile;
  const where = `${source} (host ${partial.host}, files[${index}] ${JSON.stringify(file.path)})`;
  const fail: Fail = (field, rule, value) => {
    throw new PartialCountsError(`${where}: ${field} ${rule}, got ${show(value)}`);
  };
  if (!isRecord(document)) fail("the object", "must hold a JSON object", document);
  const { version, path, tables } = document as Partial<PartialTables> & Json;
  if (version !== PARTIAL_VERSION) fail("version", `must be "${PARTIAL_VERSION}"`, version);
  if (path !== file.path)
    fail("path", `must be the path the host file lists, ${JSON.stringify(file.path)}`, path);
  checkTables(tables, (field, rule, value) => fail(`tables${field}`, rule, value));
  const counted = tables as CountTables;
  if (partial.dataset === undefined && counted.rowsRead !== 0) {
    // Reported on the host file, which lacks the shape.
    throw new PartialCountsError(
      `${origin.source} (host ${partial.host}): dataset must describe the dataset's columns when the host counted rows, got undefined`,
    );
  }
  return counted;
}

type Fail = (field: string, rule: string, value: unknown) => never;

const isTexts = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === "string");

/** A host's explanations of its shard (contracts/partial-counts.ts, PartialExplanations). */
function checkExplanations(explanations: unknown, fail: Fail): void {
  if (!isRecord(explanations)) fail("", "must be an object", explanations);
  for (const key of ["labels", "features", "textFeatures", "unseenBaseline"]) {
    if (!isTexts(explanations[key])) fail(key, "must be a list of texts", explanations[key]);
  }
  const { expectedValues } = explanations;
  // A logit of a score of 0 or 1 is infinite, which JSON writes as null.
  if (
    !Array.isArray(expectedValues) ||
    expectedValues.length !== (explanations.labels as string[]).length ||
    !expectedValues.every((v) => v === null || typeof v === "number")
  ) {
    fail("expectedValues", "must hold a number per label", expectedValues);
  }
  if (explanations.numericOnlyFeatures !== undefined && !isTexts(explanations.numericOnlyFeatures)) {
    fail("numericOnlyFeatures", "must be a list of texts", explanations.numericOnlyFeatures);
  }
  const { columns } = explanations;
  if (columns !== undefined) {
    if (!isRecord(columns) || !isCount(columns.fieldCount)) {
      fail("columns", "must hold the dataset's fieldCount", columns);
    }
    if (columns.names !== undefined && !isTexts(columns.names)) {
      fail("columns.names", "must be a list of column names", columns.names);
    }
  }
  for (const key of ["rowsExplained", "rowsDropped", "modelEvaluations"]) {
    if (!isCount(explanations[key])) fail(key, "must be a whole number", explanations[key]);
  }
}

function checkShape(shape: unknown, fail: Fail): void {
  if (!isRecord(shape)) fail("", "must be an object", shape);
  if (typeof shape.datasetType !== "string") fail("datasetType", "must be a dataset type", shape.datasetType);
  if (!isCount(shape.fieldCount)) fail("fieldCount", "must be a whole number", shape.fieldCount);
  if (
    shape.names !== undefined &&
    !(Array.isArray(shape.names) && shape.names.every((n) => typeof n === "string"))
  ) {
    fail("names", "must be a list of column names", shape.names);
  }
  if (!isCount(shape.labelIndex)) fail("labelIndex", "must be a column index", shape.labelIndex);
  if (!Array.isArray(shape.facetIndexes) || !shape.facetIndexes.every(isCount)) {
    fail("facetIndexes", "must be a list of column indexes", shape.facetIndexes);
  }
  for (const key of ["groupIndex", "predictedIndex"]) {
    if (shape[key] !== undefined && !isCount(shape[key])) fail(key, "must be a column index", shape[key]);
  }
}

/** Enough of CountTables (engine/aggregate/count-tables.ts) that a merge cannot misread it. */
function checkTables(tables: unknown, fail: Fail): void {
  if (!isRecord(tables)) fail("", "must be count tables", tables);
  for (const key of ["rowsRead", "rowsDropped"]) {
    if (!isCount(tables[key])) fail(`.${key}`, "must be a whole number", tables[key]);
  }
  const skipped = tables.skippedBy;
  if (
    !Array.isArray(skipped) ||
    !skipped.every((s) => Array.isArray(s) && typeof s[0] === "string" && isCount(s[1]))
  ) {
    fail(".skippedBy", "must be a list of [reason, rows]", skipped);
  }
  checkProfile(tables.label, ".label", fail);
  for (const key of ["predicted", "group"]) {
    if (tables[key] !== undefined) checkProfile(tables[key], `.${key}`, fail);
  }
  if (!Array.isArray(tables.facets)) fail(".facets", "must be a list of facet tables", tables.facets);
  for (const [f, facet] of (tables.facets as unknown[]).entries()) {
    const at = `.facets[${f}]`;
    if (!isRecord(facet)) fail(at, "must be a facet table", facet);
    checkProfile(facet.profile, `${at}.profile`, fail);
    const { slotKeys, slotGroups, cells } = facet;
    if (!Array.isArray(slotKeys) || !slotKeys.every(isCount))
      fail(`${at}.slotKeys`, "must be whole numbers", slotKeys);
    if (!Array.isArray(slotGroups) || slotGroups.length !== slotKeys.length || !slotGroups.every(isCount)) {
      fail(`${at}.slotGroups`, "must hold a whole number per slot", slotGroups);
    }
    if (!Array.isArray(cells) || cells.length !== slotKeys.length * 16 || !cells.every(isCount)) {
      fail(`${at}.cells`, "must hold 16 counts per slot", cells);
    }
  }
  if (tables.features !== undefined) {
    fail(".features", "must be absent (FT is not computed on several instances)", "{...}");
  }
  if (tables.columnDtypes !== undefined && !Array.isArray(tables.columnDtypes)) {
    fail(".columnDtypes", "must be a list of dtypes", tables.columnDtypes);
  }
}

function checkProfile(profile: unknown, at: string, fail: Fail): void {
  if (!isRecord(profile)) fail(at, "must be a column profile", profile);
  if (!isCount(profile.capacity) || profile.capacity === 0)
    fail(`${at}.capacity`, "must be a positive whole number", profile.capacity);
  const { values, rowsOf } = profile;
  if (!Array.isArray(values) || !values.every((v) => typeof v === "string"))
    fail(`${at}.values`, "must be a list of texts", values);
  if (!Array.isArray(rowsOf) || rowsOf.length !== values.length || !rowsOf.every(isCount)) {
    fail(`${at}.rowsOf`, "must hold a row count per value", rowsOf);
  }
  for (const key of ["count", "missing"]) {
    if (!isCount(profile[key])) fail(`${at}.${key}`, "must be a whole number", profile[key]);
  }
  for (const key of ["overflowed", "allNumeric", "allInteger"]) {
    if (typeof profile[key] !== "boolean") fail(`${at}.${key}`, "must be true or false", profile[key]);
  }
  if (!isCount(profile.leftOutKinds) || (profile.leftOutKinds as number) > LEFT_OUT_ALL)
    fail(`${at}.leftOutKinds`, `must be a whole number from 0 to ${LEFT_OUT_ALL}`, profile.leftOutKinds);
  // A max of infinity arrives decoded (decodeTablesObject, contracts/partial-counts.ts).
  if (profile.max !== null && typeof profile.max !== "number")
    fail(`${at}.max`, "must be a number or null", profile.max);
}
