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
 * With `methods.shap`, each host also explains its shard's rows and writes
 *
 * - one local values object per dataset file, `output/partial/<host>/<index>.shap.csv`: the
 *   file's rows' local SHAP values as the data lines of `explanations_shap/out.csv`, each value
 *   the shortest text that reads back as the same double, and
 * - what every file's values share in the host file (`explanations`: labels, features,
 *   expected values, rows explained),
 *
 * from which CollectResults computes the global values by the engine's own aggregation
 * (engine/explain/global-shap.ts) in the dataset's file order, and writes out.csv when asked.
 *
 * This file is the interface between the engine's `process` command (producer) and
 * CollectResults (consumer). Version "4"; version "3" had no `leftOutKinds` in its column
 * profiles, version "2" no explanations, version "1" held every file's tables in the host file.
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
export const PARTIAL_VERSION = "4";

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

/** The local values object of a host's `index`-th file, relative to the job's output folder. */
export function shapObjectOf(host: string, index: number): string {
  return `${PARTIAL_FOLDER}/${host}/${index}.shap.csv`;
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
  /** Its tables object, relative to the job's output folder: `tablesObjectOf(host, index)`; absent without a bias method. */
  readonly tables?: string;
  /** Its local values object, `shapObjectOf(host, index)`, with `methods.shap`. */
  readonly shap?: string;
  /** The file's rows explained (its local values object's lines), with `methods.shap`. */
  readonly shapRows?: number;
}

/** What a host's explanations of its shard share, in the host file. */
export interface PartialExplanations {
  /** `label_headers`, or `label0` …: the labels of kernel_shap, in the model's output order. */
  readonly labels: readonly string[];
  /** The explained features, in the local values' column order (per label). */
  readonly features: readonly string[];
  /** link(E_b f(b)) per label: the baseline and the model are every host's, so is it. */
  readonly expectedValues: readonly number[];
  readonly rowsExplained: number;
  /** Rows left out for a missing feature value. */
  readonly rowsDropped: number;
  readonly modelEvaluations: number;
  /**
   * The model's features that held text in this host's shard: every host that explained a row
   * must name the same (a host of no row left names none, and is not compared).
   */
  readonly textFeatures: readonly string[];
  /**
   * The given baseline's category cells that occur nowhere in this shard, as the message one
   * instance refuses such a cell with: refused only when it occurs in no host's shard.
   */
  readonly unseenBaseline: readonly string[];
  /**
   * Of `textFeatures`, those whose cells in this shard are all numbers, read as text because the
   * given baseline has text there. Absent: none. A feature every host names here holds only
   * numbers in the whole dataset: its baseline text is refused as one instance refuses it.
   */
  readonly numericOnlyFeatures?: readonly string[];
  /**
   * The dataset's columns as this host's files have them (with SHAP alone no `dataset` shape is
   * written): every host's must be the same, as one instance refuses files whose columns differ.
   */
  readonly columns?: {
    readonly fieldCount: number;
    /** The header row's names (CSV), or `headers` (JSON Lines): absent when the dataset names none. */
    readonly names?: readonly string[];
  };
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
  /**
   * Where the config's label and facet values hold numbers written as floats (`1.0`), which the
   * plain JSON copy above cannot spell: "label_values_or_threshold[0]",
   * "facet[1].value_or_threshold" (a lone threshold). Absent: none.
   */
  readonly configFloats?: readonly string[];
  /** The bootstrap settings the job's environment gave; false: no intervals.json. */
  readonly intervals: IntervalSettings | false;
  /** Absent when the host's shard held no row. */
  readonly dataset?: PartialDatasetShape;
  /** The host's files in name order; merged with every other host's in name order. */
  readonly files: readonly PartialFile[];
  /** With `methods.shap`, when the host's shard held a row (a shard of no row explains nothing). */
  readonly explanations?: PartialExplanations;
  /**
   * With `methods.shap`, when the host's files hold no row (header rows at most): the column
   * names they give (CSV header rows, Parquet schemas), compared with every other host's as
   * `explanations.columns.names` are, since one instance refuses a file whose header row
   * differs even when it holds no row. Absent: the host has no file, or its files name none.
   */
  readonly columnNames?: readonly string[];
}

/**
 * `output/partial/<host>/<index>.json`, a tables object: the count tables of one dataset file's
 * rows. A column profile's `max` of infinity (a cell `1e999`) is written as the text
 * `"Infinity"`, JSON having no infinity: `partialJson` writes it, `decodeTablesObject` reads it.
 */
export interface PartialTables {
  readonly version: typeof PARTIAL_VERSION;
  /** The dataset file's path, as the host file lists it. */
  readonly path: string;
  readonly tables: CountTables;
}

/** The text `"Infinity"` stands for a column maximum of infinity (JSON has none). */
const INFINITE_MAX = "Infinity";

/** A host file or tables object as the host writes it: a `max` of infinity as the text `"Infinity"`. */
export function partialJson(value: PartialCounts | PartialTables): string {
  return JSON.stringify(value, (key, item) =>
    key === "max" && item === Number.POSITIVE_INFINITY ? INFINITE_MAX : item,
  );
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A profile with its `max` of `"Infinity"` read back as infinity (a copy; anything else as it is). */
function decodedProfile(profile: unknown): unknown {
  return isRecord(profile) && profile.max === INFINITE_MAX
    ? { ...profile, max: Number.POSITIVE_INFINITY }
    : profile;
}

/**
 * A tables object as parsed from JSON, its profiles' `max` of `"Infinity"` read back as
 * infinity: what `partialJson` wrote. The document is not checked yet, so whatever does not
 * have the expected shape is passed on as it is (for the check to name it); the document itself
 * is not modified. Not a `JSON.parse` reviver: one is called for every cell of every facet,
 * which makes reading a large tables object several times slower.
 */
export function decodeTablesObject(document: unknown): unknown {
  if (!isRecord(document) || !isRecord(document.tables)) return document;
  const tables = document.tables;
  const decoded: Json = { ...tables, label: decodedProfile(tables.label) };
  for (const key of ["predicted", "group"]) {
    if (tables[key] !== undefined) decoded[key] = decodedProfile(tables[key]);
  }
  if (Array.isArray(tables.facets)) {
    decoded.facets = tables.facets.map((facet: unknown) =>
      isRecord(facet) ? { ...facet, profile: decodedProfile(facet.profile) } : facet,
    );
  }
  return { ...document, tables: decoded };
}
