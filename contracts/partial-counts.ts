/**
 * A multi-instance job of the builtin engine: SageMaker shards the dataset input across the
 * job's hosts (`ShardedByS3Key`), each host counts each of its files on its own and writes
 *
 * - one tables object per dataset file, `output/partial/<host>/<index>.json` (PartialTables:
 *   the file's path and its count tables; index: the file's place in the host's list), and
 * - one small host file, `output/partial/<host>.json` (PartialCounts: the job's hosts, config,
 *   interval settings, the dataset's shape and the host's files, each naming its tables object),
 *
 * and CollectResults merges them into the analysis.json, analysis_context.json and
 * intervals.json one instance would have written. The host files are read first (small: a few
 * hundred bytes per dataset file); the tables objects are then read a few at a time in the
 * dataset's file-name order and folded into one running merge, so the merge's memory does not
 * grow with the number of files.
 *
 * This file is the interface between the engine's `process` command (producer) and
 * CollectResults (consumer). Version "2"; version "1" held every file's tables in the host file.
 */
import type { CountTables } from "../engine/aggregate/count-tables.ts";
import type { IntervalSettings } from "../engine/intervals/bootstrap-intervals.ts";

/** Where SageMaker tells a processing container which host it is and which hosts the job has. */
export const RESOURCE_CONFIG_PATH = "/opt/ml/config/resourceconfig.json";

/** The fields of resourceconfig.json the engine reads (SageMaker writes more). */
export interface ResourceConfig {
  /** This host, e.g. `algo-2`. */
  readonly current_host: string;
  /** Every host of the job, e.g. `["algo-1", "algo-2"]`. */
  readonly hosts: readonly string[];
}

/** The version of the partial counts objects this engine writes and reads. */
export const PARTIAL_VERSION = "2";

/** Folder under the job's `analysis_result` output holding every host's partial counts. */
export const PARTIAL_FOLDER = "partial";

/** The host file of a host, relative to the job's output folder. */
export function partialFileOf(host: string): string {
  return `${PARTIAL_FOLDER}/${host}.json`;
}

/**
 * The tables object of a host's `index`-th file, relative to the job's output folder. Named by
 * index, not by the dataset file's path, so that the key is short, safe and unique whatever the
 * dataset's keys hold; the path is inside the object.
 */
export function tablesObjectOf(host: string, index: number): string {
  return `${PARTIAL_FOLDER}/${host}/${index}.json`;
}

/** How a host's dataset files were read: every host that read a file must agree. */
export interface PartialDatasetShape {
  readonly datasetType: string;
  /** Fields per row. */
  readonly fieldCount: number;
  /** Column names (the header row, or `headers`); absent when the data names none. */
  readonly names?: readonly string[];
  readonly labelIndex: number;
  readonly facetIndexes: readonly number[];
  readonly groupIndex?: number;
  /** The predicted label's column, with post-training bias. */
  readonly predictedIndex?: number;
}

/** One dataset file of a host's shard, as the host file lists it. */
export interface PartialFile {
  /** The file's path below the dataset input's folder (its S3 key below the input's prefix). */
  readonly path: string;
  readonly bytes: number;
  /** Its tables object, relative to the job's output folder: `tablesObjectOf(host, index)`. */
  readonly tables: string;
}

/**
 * `output/partial/<host>.json`, the host file.
 */
export interface PartialCounts {
  readonly version: typeof PARTIAL_VERSION;
  readonly host: string;
  readonly hosts: readonly string[];
  /** The analysis config the host read (the job's analysis_config input; the same on every host). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The bootstrap settings the job's environment gave; false: no intervals.json. */
  readonly intervals: IntervalSettings | false;
  /** Absent when the host's shard held no row. */
  readonly dataset?: PartialDatasetShape;
  /** The host's files in name order; merged with every other host's in name order. */
  readonly files: readonly PartialFile[];
}

/**
 * `output/partial/<host>/<index>.json`, a tables object: the count tables of one dataset file's
 * rows. A column profile's `max` of infinity (a cell `1e999`) is written as the text
 * `"Infinity"`, JSON having no infinity.
 */
export interface PartialTables {
  readonly version: typeof PARTIAL_VERSION;
  /** The dataset file's path, as the host file lists it. */
  readonly path: string;
  readonly tables: CountTables;
}
