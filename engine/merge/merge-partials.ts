/**
 * The analysis of a job of several instances, from its hosts' partial counts
 * (contracts/partial-counts.ts): the host files are checked to be of one job, every host's files
 * are ordered by name, as one instance reads a dataset folder, their tables objects are loaded a
 * few at a time in that order and folded into one running merge (`CountsFold`, exact as
 * mergeCounts: engine/aggregate/count-tables.ts), and analysis.json, analysis_context.json and intervals.json computed by the
 * same code as a one-instance run's. The memory it takes grows with the size of one tables
 * object (the distinct values of the analysed columns), not with the number of files.
 * Pure: the caller loads the objects (CollectResults from S3, the tests from disk) and writes
 * the files.
 */
import type { AnalysisContext } from "../../contracts/analysis-context.ts";
import type { IntervalsJson } from "../../contracts/intervals.ts";
import {
  decodeTablesObject,
  type PartialCounts,
  type PartialDatasetShape,
  partialFileOf,
} from "../../contracts/partial-counts.ts";
import { show } from "../../contracts/show-value.ts";
import type { CollectedCounts } from "../aggregate/collect-counts.ts";
import { CountsFold, type CountTables, fromCountTables } from "../aggregate/count-tables.ts";
import { mixedColumns } from "../aggregate/mixed-columns.ts";
import { predictedCastOf } from "../aggregate/predicted-cast.ts";
import { showConfigValues } from "../aggregate/python-float.ts";
import { namedColumn, roleColumn } from "../aggregate/role-column.ts";
import { ValueMatcher } from "../aggregate/value-matcher.ts";
import { type BiasDatasetShape, biasConfig, biasResult, declareDtypes } from "../bias-result.ts";
import { type AnalysisConfig, type ConfigValue, runsBias } from "../config/analysis-config.ts";
import { withConfigFloats } from "../config/config-json.ts";
import { parseAnalysisConfig } from "../config/parse-analysis-config.ts";
import { bootstrapIntervals } from "../intervals/bootstrap-intervals.ts";
import { byName } from "../io/name-order.ts";
import type { AnalysisJson } from "../output/analysis-json.ts";
import { CLARIFY_PATHS } from "../processing/processing-layout.ts";
import { checkTablesObject, PartialCountsError } from "./check-partial.ts";
import { loadInOrder } from "./load-in-order.ts";
import { type MergedShap, mergeShap, type ShapLoader } from "./merge-shap.ts";
import type { OrderedFile } from "./ordered-file.ts";

export { checkPartial, PartialCountsError } from "./check-partial.ts";

/**
 * Reads a tables object, named relative to the job's output folder (`partial/algo-2/0.json`),
 * and parses it as plain JSON; the merge decodes (`decodeTablesObject`) and checks what it holds.
 */
export type TablesLoader = (object: string) => Promise<unknown>;

/** Tables objects loaded or loading ahead of the one being merged. */
export const TABLES_LOOK_AHEAD = 8;

export interface MergeOptions {
  /** @default TABLES_LOOK_AHEAD */
  readonly lookAhead?: number;
  /** Reads a local SHAP values object, with `methods.shap`. */
  readonly loadShap?: ShapLoader;
  /** Gets explanations_shap/out.csv piece by piece, in order, when the config saves the local SHAP values. */
  readonly writeLocalValues?: (piece: string) => Promise<void>;
  /** The memory the local values agg_method "median" holds may take at most. @default no limit */
  readonly maxShapBytes?: number;
}

export interface MergedAnalysis {
  readonly analysis: AnalysisJson;
  readonly context: AnalysisContext;
  /** Absent when the job asked for no intervals. */
  readonly intervals?: IntervalsJson;
  readonly hosts: number;
  readonly files: number;
  readonly rowsRead: number;
  /** With `methods.shap`: the rows the hosts explained, and whether out.csv was written. */
  readonly explained?: Omit<MergedShap, "kernelShap">;
}

/**
 * One analysis from every host's partial counts: the host files (each already read with
 * `checkPartial`) and their tables objects, which `loadTables` reads when the merge reaches them,
 * and with `methods.shap` their local values objects, which `options.loadShap` reads.
 */
export async function mergePartials(
  partials: readonly PartialCounts[],
  loadTables: TablesLoader,
  options: MergeOptions = {},
): Promise<MergedAnalysis> {
  const first = partials[0];
  if (first === undefined) throw new PartialCountsError("no partial counts file: no host wrote one");
  checkHosts(partials, first);
  const files = orderedFiles(partials);
  const { config, problems } = parseAnalysisConfig(withConfigFloats(first.config, first.configFloats ?? []));
  if (config === undefined || problems.length > 0 || (!runsBias(config) && config.shap === undefined)) {
    const why =
      problems.map((p) => `${p.path}: ${p.message}`).join("; ") || "it requests no bias method and no SHAP";
    throw new PartialCountsError(
      `host ${first.host}: config is not an analysis config the hosts could count: ${why}`,
    );
  }
  const lookAhead = options.lookAhead ?? TABLES_LOOK_AHEAD;
  const bias = runsBias(config)
    ? await mergeCounts(config, partials, first, files, loadTables, lookAhead)
    : undefined;
  let shap: MergedShap | undefined;
  if (config.shap) {
    const loadShap = options.loadShap;
    if (loadShap === undefined)
      throw new PartialCountsError("methods.shap: no reader of the hosts' local values");
    shap = await mergeShap(config.shap, partials, files, loadShap, {
      ...(options.writeLocalValues && { writeLocalValues: options.writeLocalValues }),
      ...(options.maxShapBytes !== undefined && { maxBytes: options.maxShapBytes }),
    });
  }
  const explanations = shap && { kernel_shap: shap.kernelShap };
  const rowsRead = bias?.rowsRead ?? (shap ? shap.rowsExplained + shap.rowsDropped : 0);
  const explained = shap && {
    rowsExplained: shap.rowsExplained,
    rowsDropped: shap.rowsDropped,
    modelEvaluations: shap.modelEvaluations,
    localValues: shap.localValues,
  };
  if (bias === undefined) {
    // As one instance writes an analysis of explanations alone (engine/analyze.ts).
    const context: AnalysisContext = {
      version: "1",
      dataset: {
        datasetType: config.datasetType,
        files: files.map((file) => `${CLARIFY_PATHS.data}/${file.entry.path}`),
        rowsRead,
        rowsSkipped:
          (shap?.rowsDropped ?? 0) > 0
            ? [{ reason: "a feature value missing", rows: shap?.rowsDropped ?? 0 }]
            : [],
      },
      facets: [],
      warnings: [],
    };
    return {
      analysis: { version: "1.0", ...(explanations && { explanations }) },
      context,
      hosts: partials.length,
      files: files.length,
      rowsRead,
      ...(explained && { explained }),
    };
  }
  return {
    analysis: explanations ? { ...bias.analysis, explanations } : bias.analysis,
    context: bias.context,
    ...(first.intervals !== false && {
      intervals: bootstrapIntervals(bias.analysis, bias.tables, first.intervals),
    }),
    hosts: partials.length,
    files: files.length,
    rowsRead,
    ...(explained && { explained }),
  };
}

/** The bias part: the tables objects folded in the dataset's order, and the metrics one instance computes of them. */
async function mergeCounts(
  config: AnalysisConfig,
  partials: readonly PartialCounts[],
  first: PartialCounts,
  files: readonly OrderedFile[],
  loadTables: TablesLoader,
  lookAhead: number,
) {
  const shape = commonShape(partials, first);
  if (shape === undefined) {
    throw new PartialCountsError(
      `no row to analyse: the ${files.length} dataset files the hosts counted hold no row`,
    );
  }
  const configured = `${config.facets.length} facets`;
  const loaded = loadInOrder(
    files,
    async (file) => {
      const object = file.entry.tables;
      if (object === undefined) {
        throw new PartialCountsError(
          `host ${file.partial.host}: files[${file.index}] ${JSON.stringify(file.entry.path)} has no tables object, but the config asks for bias metrics`,
        );
      }
      return checkTablesObject(decodeTablesObject(await loadTables(object)), object, {
        source: partialFileOf(file.partial.host),
        partial: file.partial,
        index: file.index,
      });
    },
    lookAhead,
  );
  let fold: CountsFold | undefined;
  let tablesShape = "";
  let at = 0;
  for await (const next of loaded) {
    const { partial, index } = files[at++] as OrderedFile;
    const counted = tableShape(next);
    if (fold === undefined) {
      if (!counted.startsWith(configured)) {
        throw new PartialCountsError(
          `host ${partial.host}: the files' tables count ${counted} but config names ${configured}`,
        );
      }
      tablesShape = counted;
      fold = new CountsFold(fromCountTables(next));
      continue;
    }
    if (counted !== tablesShape) {
      throw new PartialCountsError(
        `host ${partial.host}: files[${index}].tables count ${counted}, other files ${tablesShape}: the partial files are not of one analysis`,
      );
    }
    fold.add(next);
  }
  const datasetShape: BiasDatasetShape = {
    files: files.map((file) => `${CLARIFY_PATHS.data}/${file.entry.path}`),
    names: shape.names,
    labelIndex: shape.labelIndex,
    ...(shape.predictedIndex !== undefined && { predictedIndex: shape.predictedIndex }),
    facetIndexes: shape.facetIndexes,
    groupIndex: shape.groupIndex,
  };
  const counts = (fold as CountsFold).counts();
  declareDtypes(counts, datasetShape);
  refuseMixedColumns(config, counts);
  refusePredictedCast(config, counts);
  return biasResult(config, datasetShape, counts);
}

/**
 * A matched column holding text and numbers whose counts are not what the whole column means
 * (aggregate/mixed-columns.ts): one instance counts such a column again with text matching,
 * but the hosts' tables cannot be counted again, and which of their rows held a cell like
 * `1.0` is not in them.
 */
function refuseMixedColumns(given: AnalysisConfig, counts: CollectedCounts): void {
  const config = biasConfig(given);
  const labelMatcher = new ValueMatcher(config.labelValuesOrThreshold);
  const mixed = mixedColumns(
    {
      label: labelMatcher,
      ...(counts.predicted && { predicted: labelMatcher }),
      facets: config.facets.map(
        (facet) => facet.valueOrThreshold && new ValueMatcher(facet.valueOrThreshold),
      ),
    },
    counts,
    config,
  )[0];
  if (mixed === undefined) return;
  const { column, field } = roleColumn(config, mixed.role);
  if (mixed.cause === "two-steps") {
    const cell = mixed.example ? ` such as ${JSON.stringify(mixed.example.cell)}` : "";
    throw new PartialCountsError(
      `${column}: Clarify compares ${field} with its cells in two steps (the values as they are, so a text equals no number, true only a true/false cell and a number only a number, then, if no row matched, every value converted to the column's type), which the hosts' counts cannot follow for cells${cell}: run the job on one instance, or configure values of the column's own kind`,
    );
  }
  const cell = mixed.example
    ? `its cell ${JSON.stringify(mixed.example.cell)} (${field} ${showConfigValues(mixed.example.configured)})`
    : `which of its cells (more distinct values than the counts keep) equal a number in ${field}`;
  throw new PartialCountsError(
    `${column} holds text and numbers, so Clarify compares its cells with ${field} as text; the hosts' counts cannot tell which rows hold ${cell}: run the job on one instance, or write the column's cells as ${field} spells them`,
  );
}

/**
 * Float predictions of an integer label whose threshold reading the cast to the label's dtype
 * changes (aggregate/predicted-cast.ts): one instance counts them again with the cast, but the
 * hosts' tables cannot be counted again, and which of their rows held such a prediction is not
 * in them.
 */
function refusePredictedCast(given: AnalysisConfig, counts: CollectedCounts): void {
  const config = biasConfig(given);
  const cast = predictedCastOf(config, counts);
  if (cast === undefined) return;
  const field = `label_values_or_threshold ${showConfigValues(config.labelValuesOrThreshold[0] as ConfigValue)}`;
  const cell = cast.example
    ? `its cell ${JSON.stringify(cast.example.cell)} (cast to ${cast.example.cast})`
    : "which of its cells (more distinct values than the counts keep) the cast reads otherwise";
  throw new PartialCountsError(
    `the ${namedColumn("predicted label", String(config.predictedLabel))} holds floats and the ${namedColumn("label", config.label)} integers, so Clarify casts the predictions to ${cast.dtype} before comparing them with ${field}; the hosts' counts cannot tell which rows hold ${cell}: run the job on one instance, or write the predicted labels as integers`,
  );
}

/** Every host of the job present once, all of one job: the same hosts, config and interval settings. */
function checkHosts(partials: readonly PartialCounts[], first: PartialCounts): void {
  const seen = new Set<string>();
  for (const partial of partials) {
    const host = `host ${partial.host}`;
    if (seen.has(partial.host))
      throw new PartialCountsError(`${host}: two partial counts files name this host`);
    seen.add(partial.host);
    const differs = (field: string, mine: unknown, theirs: unknown) => {
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
        throw new PartialCountsError(
          `${host}: ${field} differs from host ${first.host}'s (${show(mine)} against ${show(theirs)}): the partial files are not of one job`,
        );
      }
    };
    differs("hosts", partial.hosts, first.hosts);
    differs("config", partial.config, first.config);
    differs("configFloats", partial.configFloats ?? [], first.configFloats ?? []);
    differs("intervals", partial.intervals, first.intervals);
  }
  const missing = first.hosts.filter((host) => !seen.has(host));
  if (missing.length > 0) {
    throw new PartialCountsError(
      `host ${missing[0]}: no partial counts file (${partialFileOf(missing[0] as string)}) among the ${first.hosts.length} hosts' ${JSON.stringify(first.hosts)}`,
    );
  }
}

/** The dataset's shape, the same on every host that counted rows; undefined when none did. */
function commonShape(
  partials: readonly PartialCounts[],
  first: PartialCounts,
): PartialDatasetShape | undefined {
  let shape: PartialDatasetShape | undefined;
  let from = first.host;
  for (const partial of partials) {
    if (partial.dataset === undefined) continue;
    if (shape === undefined) {
      shape = partial.dataset;
      from = partial.host;
      continue;
    }
    for (const field of Object.keys({ ...shape, ...partial.dataset }) as (keyof PartialDatasetShape)[]) {
      const mine = partial.dataset[field];
      const theirs = shape[field];
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
        throw new PartialCountsError(
          `host ${partial.host}: dataset.${field} ${show(mine)} differs from host ${from}'s ${show(theirs)}: every part of the dataset must have the same columns`,
        );
      }
    }
  }
  return shape;
}

/** Every host's files in the order one instance reads the dataset folder; each file once. */
function orderedFiles(partials: readonly PartialCounts[]): OrderedFile[] {
  const owner = new Map<string, string>();
  const files: OrderedFile[] = [];
  for (const partial of partials) {
    partial.files.forEach((entry, index) => {
      const other = owner.get(entry.path);
      if (other !== undefined) {
        throw new PartialCountsError(
          `host ${partial.host}: files[${index}].path ${JSON.stringify(entry.path)} was counted by host ${other} too: each file must be counted once (ShardedByS3Key)`,
        );
      }
      owner.set(entry.path, partial.host);
      files.push({ partial, index, entry });
    });
  }
  if (files.length === 0) {
    throw new PartialCountsError(
      `no dataset file on any of the ${partials.length} hosts: the job's dataset input held none`,
    );
  }
  return files.sort((x, y) => byName(x.entry.path, y.entry.path));
}

/** What columns a file's tables count: tables of one analysis count the same ones. */
function tableShape(tables: CountTables): string {
  const columns = [
    `${tables.facets.length} facets`,
    ...(tables.predicted ? ["a predicted label"] : []),
    ...(tables.group ? ["a group variable"] : []),
  ];
  return columns.join(", ");
}
