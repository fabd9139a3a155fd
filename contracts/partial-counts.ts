/**
 * A multi-instance job of the builtin engine: SageMaker shards the dataset input across the
 * job's hosts (`ShardedByS3Key`), each host counts its files and writes
 * `output/partial/<host>.json`, and CollectResults merges the partial files into the
 * analysis.json, analysis_context.json and intervals.json one instance would have written.
 *
 * This file is the interface between the engine's `process` command (producer) and
 * CollectResults (consumer).
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

/** Folder under the job's `analysis_result` output holding one partial file per host. */
export const PARTIAL_FOLDER = "partial";

/** The partial file of a host, relative to the job's output folder. */
export function partialFileOf(host: string): string {
  return `${PARTIAL_FOLDER}/${host}.json`;
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

/** One dataset file of a host's shard and the count tables of its rows. */
export interface PartialFile {
  /** The file's path below the dataset input's folder (its S3 key below the input's prefix). */
  readonly path: string;
  readonly bytes: number;
  readonly tables: CountTables;
}

/**
 * `output/partial/<host>.json`. A column profile's `max` of infinity (a cell `1e999`) is
 * written as the text `"Infinity"`, JSON having no infinity.
 */
export interface PartialCounts {
  readonly version: "1";
  readonly host: string;
  readonly hosts: readonly string[];
  /** The analysis config the host read (the job's analysis_config input; the same on every host). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The bootstrap settings the job's environment gave; false: no intervals.json. */
  readonly intervals: IntervalSettings | false;
  /** Absent when the host's shard held no dataset file. */
  readonly dataset?: PartialDatasetShape;
  /** The host's files in name order; merged with every other host's in name order. */
  readonly files: readonly PartialFile[];
}
