/**
 * The analysis of a job of several instances, from its hosts' partial counts
 * (contracts/partial-counts.ts): every host's files are ordered by name, as one instance reads
 * a dataset folder, their count tables merged in that order (exact: engine/aggregate/
 * count-tables.ts), and analysis.json, analysis_context.json and intervals.json computed by
 * the same code as a one-instance run's. Pure: CollectResults runs it in its Lambda, which
 * reads and writes the files.
 */
import type { AnalysisContext } from "../../contracts/analysis-context.ts";
import type { IntervalsJson } from "../../contracts/intervals.ts";
import {
  type PartialCounts,
  type PartialDatasetShape,
  type PartialFile,
  partialFileOf,
} from "../../contracts/partial-counts.ts";
import { type CountTables, fromCountTables, mergeCounts } from "../aggregate/count-tables.ts";
import { biasResult } from "../bias-result.ts";
import { runsBias } from "../config/analysis-config.ts";
import { parseAnalysisConfig } from "../config/parse-analysis-config.ts";
import { bootstrapIntervals } from "../intervals/bootstrap-intervals.ts";
import { byName } from "../io/name-order.ts";
import type { AnalysisJson } from "../output/analysis-json.ts";
import { CLARIFY_PATHS } from "../processing/processing-layout.ts";
import { PartialCountsError } from "./check-partial.ts";

export { checkPartial, PartialCountsError } from "./check-partial.ts";

export interface MergedAnalysis {
  readonly analysis: AnalysisJson;
  readonly context: AnalysisContext;
  /** Absent when the job asked for no intervals. */
  readonly intervals?: IntervalsJson;
  readonly hosts: number;
  readonly files: number;
  readonly rowsRead: number;
}

/** One analysis from every host's partial counts (each already read with `checkPartial`). */
export function mergePartials(partials: readonly PartialCounts[]): MergedAnalysis {
  const first = partials[0];
  if (first === undefined) throw new PartialCountsError("no partial counts file: no host wrote one");
  checkHosts(partials, first);
  const shape = commonShape(partials, first);
  const files = orderedFiles(partials);
  if (shape === undefined) {
    throw new PartialCountsError(
      `no row to analyse: the ${files.length} dataset files the hosts counted hold no row`,
    );
  }
  const { config, problems } = parseAnalysisConfig(first.config);
  if (config === undefined || problems.length > 0 || !runsBias(config)) {
    const why = problems.map((p) => `${p.path}: ${p.message}`).join("; ") || "it requests no bias method";
    throw new PartialCountsError(
      `host ${first.host}: config is not an analysis config the hosts could count: ${why}`,
    );
  }
  const counted = tableShape((files[0] as PartialFile).tables);
  const configured = `${config.facets.length} facets`;
  if (!counted.startsWith(`${configured}`)) {
    throw new PartialCountsError(
      `host ${first.host}: the files' tables count ${counted} but config names ${configured}`,
    );
  }
  const tables = files
    .slice(1)
    .reduce<CountTables>(
      (merged, file) => mergeCounts(merged, file.tables),
      (files[0] as PartialFile).tables,
    );
  const result = biasResult(
    config,
    {
      files: files.map((file) => `${CLARIFY_PATHS.data}/${file.path}`),
      names: shape.names,
      labelIndex: shape.labelIndex,
      ...(shape.predictedIndex !== undefined && { predictedIndex: shape.predictedIndex }),
      facetIndexes: shape.facetIndexes,
      groupIndex: shape.groupIndex,
    },
    fromCountTables(tables),
  );
  return {
    analysis: result.analysis,
    context: result.context,
    ...(first.intervals !== false && {
      intervals: bootstrapIntervals(result.analysis, result.tables, first.intervals),
    }),
    hosts: partials.length,
    files: files.length,
    rowsRead: result.rowsRead,
  };
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
          `${host}: ${field} differs from host ${first.host}'s (${short(mine)} against ${short(theirs)}): the partial files are not of one job`,
        );
      }
    };
    differs("hosts", partial.hosts, first.hosts);
    differs("config", partial.config, first.config);
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
          `host ${partial.host}: dataset.${field} ${short(mine)} differs from host ${from}'s ${short(theirs)}: every part of the dataset must have the same columns`,
        );
      }
    }
  }
  return shape;
}

/** Every host's files in the order one instance reads the dataset folder; each file once. */
function orderedFiles(partials: readonly PartialCounts[]): PartialFile[] {
  const owner = new Map<string, string>();
  const files: PartialFile[] = [];
  let tablesShape: string | undefined;
  for (const partial of partials) {
    partial.files.forEach((file, f) => {
      const other = owner.get(file.path);
      if (other !== undefined) {
        throw new PartialCountsError(
          `host ${partial.host}: files[${f}].path ${JSON.stringify(file.path)} was counted by host ${other} too: each file must be counted once (ShardedByS3Key)`,
        );
      }
      owner.set(file.path, partial.host);
      const shape = tableShape(file.tables);
      tablesShape ??= shape;
      if (shape !== tablesShape) {
        throw new PartialCountsError(
          `host ${partial.host}: files[${f}].tables count ${shape}, other files ${tablesShape}: the partial files are not of one analysis`,
        );
      }
      files.push(file);
    });
  }
  if (files.length === 0) {
    throw new PartialCountsError(
      `no dataset file on any of the ${partials.length} hosts: the job's dataset input held none`,
    );
  }
  return files.sort((x, y) => byName(x.path, y.path));
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

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
