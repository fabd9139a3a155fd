/**
 * `kernel_shap` of a job of several instances, from its hosts' local SHAP values
 * (contracts/partial-counts.ts): the hosts' descriptions are checked to agree (labels,
 * features, expected values, which features hold text), a baseline category is refused as one
 * instance refuses it only when no host's shard holds it, and every file's local values are
 * read in the dataset's file order and fed, row by row, to the aggregation one instance uses
 * (engine/explain/global-shap.ts): the global values are one instance's to the last bit, for
 * `mean_abs`, `mean_sq` and `median` alike. The local values pass on, unchanged, to out.csv
 * when `save_local_shap_values` asks for it. Pure: the caller loads the objects and writes.
 */

import type { PartialCounts, PartialExplanations } from "../../contracts/partial-counts.ts";
import { show } from "../../contracts/show-value.ts";
import type { ShapConfig } from "../config/explain-config.ts";
import { EngineInputError } from "../errors.ts";
import { asNumericRefusal } from "../explain/baseline/baseline-messages.ts";
import { GlobalShap } from "../explain/global-shap.ts";
import { kernelShapJson, localValuesHeader } from "../explain/local-shap-values.ts";
import type { KernelShapLabel } from "../output/explanations-json.ts";
import { plural } from "../processing/plural.ts";
import { CLARIFY_PATHS } from "../processing/processing-layout.ts";
import { byteSize } from "./byte-size.ts";
import { PartialCountsError } from "./check-partial.ts";
import type { OrderedFile } from "./ordered-file.ts";

/**
 * Reads a local values object, named relative to the job's output folder
 * (`partial/algo-2/0.shap.csv`), as a stream of text pieces: a file's object grows with its
 * rows (about 20 bytes per value), so it is never held whole.
 */
export type ShapLoader = (object: string) => Promise<AsyncIterable<string>>;

/** A host file that describes its explanations (its shard held a row). */
type Described = PartialCounts & { readonly explanations: PartialExplanations };

export interface ShapMergeOptions {
  /** Gets out.csv piece by piece, in order, when the config saves the local values. */
  readonly writeLocalValues?: (piece: string) => Promise<void>;
  /** The memory the values `median` holds may take at most (every row's value per label and feature). */
  readonly maxBytes?: number;
}

export interface MergedShap {
  readonly kernelShap: Record<string, KernelShapLabel>;
  readonly rowsExplained: number;
  readonly rowsDropped: number;
  readonly modelEvaluations: number;
  /** Whether out.csv was handed to `writeLocalValues`. */
  readonly localValues: boolean;
}

export async function mergeShap(
  shap: ShapConfig,
  partials: readonly PartialCounts[],
  files: readonly OrderedFile[],
  load: ShapLoader,
  options: ShapMergeOptions,
): Promise<MergedShap> {
  const described = partials.filter((partial): partial is Described => partial.explanations !== undefined);
  const rowsDropped = described.reduce((sum, p) => sum + p.explanations.rowsDropped, 0);
  // Before the count of rows: one instance refuses a file's differing header row as it reads it.
  sameColumns(partials);
  if (described.length === 0) {
    // As one instance refuses a dataset input of no row (its files hold header rows at most).
    throw new EngineInputError(`the dataset /opt/ml/processing/${CLARIFY_PATHS.data} has no rows`);
  }
  // A host whose every row missed a value coded no baseline and read no feature's kind.
  const explaining = described.filter((p) => p.explanations.rowsExplained > 0);
  const first = explaining[0];
  if (first === undefined) {
    throw new EngineInputError("no row is left to explain: every row misses a feature value");
  }
  const common = first.explanations;
  for (const partial of explaining.slice(1)) agrees(partial, first);
  refuseUnseenBaseline(explaining);
  const rowsExplained = explaining.reduce((sum, p) => sum + p.explanations.rowsExplained, 0);
  const cells = common.labels.length * common.features.length;
  const bytes = GlobalShap.bytesFor(rowsExplained, cells, shap.aggMethod);
  if (options.maxBytes !== undefined && bytes > options.maxBytes) {
    throw new PartialCountsError(
      `agg_method "median" needs every row's local value at once: ${plural(rowsExplained, "row")} × ${plural(common.labels.length, "label")} × ${plural(common.features.length, "feature")} take ${byteSize(bytes)}, more than this function holds (${byteSize(options.maxBytes)}); use agg_method "mean_abs" or "mean_sq" (their sums take no memory per row), explain fewer features (features_to_explain), or give CollectResults more memory`,
    );
  }
  const global = new GlobalShap(cells, shap.aggMethod, rowsExplained);
  const write = shap.saveLocalShapValues ? options.writeLocalValues : undefined;
  await write?.(localValuesHeader(common.features, common.labels));
  // One object at a time, streamed: out.csv gets its pieces in the dataset's order.
  for (const file of files) {
    const reader = new LinesReader(global, cells, file);
    for await (const piece of await loadValues(file, load)) {
      reader.push(piece);
      await write?.(piece);
    }
    reader.end();
  }
  if (global.rows !== rowsExplained) {
    throw new PartialCountsError(
      `the hosts' files hold local values of ${global.rows} rows, but the hosts explained ${rowsExplained}`,
    );
  }
  return {
    kernelShap: kernelShapJson(common.labels, common.features, global, common.expectedValues),
    rowsExplained,
    rowsDropped,
    modelEvaluations: described.reduce((sum, p) => sum + p.explanations.modelEvaluations, 0),
    localValues: write !== undefined,
  };
}

function where(file: OrderedFile): string {
  return `${file.entry.shap} (host ${file.partial.host}, files[${file.index}] ${JSON.stringify(file.entry.path)})`;
}

async function loadValues(file: OrderedFile, load: ShapLoader): Promise<AsyncIterable<string>> {
  if (file.entry.shap === undefined) {
    throw new PartialCountsError(
      `host ${file.partial.host}: files[${file.index}] ${JSON.stringify(file.entry.path)} has no local SHAP values, but the config asks for methods.shap`,
    );
  }
  return load(file.entry.shap);
}

/** Feeds `global` a file's lines of local values as its pieces come, checking each line. */
class LinesReader {
  readonly #global: GlobalShap;
  readonly #cells: number;
  readonly #file: OrderedFile;
  readonly #row: Float64Array;
  /** The text of a line not yet ended. */
  #rest = "";
  #lines = 0;

  constructor(global: GlobalShap, cells: number, file: OrderedFile) {
    this.#global = global;
    this.#cells = cells;
    this.#file = file;
    this.#row = new Float64Array(cells);
  }

  push(piece: string): void {
    const lines = (this.#rest + piece).split("\n");
    this.#rest = lines.pop() as string;
    for (const line of lines) this.#line(line);
  }

  end(): void {
    if (this.#rest !== "") {
      throw new PartialCountsError(`${where(this.#file)}: the last line must end with a line end`);
    }
    if (this.#lines !== this.#file.entry.shapRows) {
      throw new PartialCountsError(
        `${where(this.#file)}: ${plural(this.#lines, "line")} of local values, but the host file says ${plural(this.#file.entry.shapRows ?? 0, "row")}`,
      );
    }
  }

  #line(line: string): void {
    const l = ++this.#lines;
    // Refused at once: a line beyond the host file's rows would grow median's columns, sized to
    // the rows explained, past the memory the merge checked it has.
    if (l > (this.#file.entry.shapRows ?? 0)) {
      throw new PartialCountsError(
        `${where(this.#file)}: more lines of local values than the host file's ${plural(this.#file.entry.shapRows ?? 0, "row")}`,
      );
    }
    const texts = line.split(",");
    if (texts.length !== this.#cells) {
      throw new PartialCountsError(
        `${where(this.#file)}: line ${l} holds ${texts.length} values, expected ${this.#cells}`,
      );
    }
    const row = this.#row;
    for (let c = 0; c < this.#cells; c++) {
      const text = texts[c] as string;
      // A host writes String(value): any other text ("", " 1", "0x10", "1.0") is not its.
      if (!isNumberText(text)) {
        throw new PartialCountsError(
          `${where(this.#file)}: line ${l} holds ${show(text)}, not a number as a host writes it (JavaScript's shortest text of a double)`,
        );
      }
      row[c] = Number(text);
    }
    this.#global.addRow((c) => row[c] as number);
  }
}

/**
 * Whether `text` has the syntax JavaScript gives a double (`String(value)`): `NaN`, `Infinity`,
 * or `-`? then `0` or digits without a leading zero, `.` and digits not ending in `0`, and
 * `e+` / `e-` and digits; `-0` is refused (String writes it `0`). This catches a corrupt or
 * foreign object (an empty cell, spaces, `0x10`, `1.0`), not every text String would not write:
 * `1e+2` or a mantissa of more than 17 digits pass. Scanned character by character:
 * `String(Number(text)) === text` would be exact but made the merge 2.7 times as long
 * (bench:shap-merge, 300,000 rows, mean_abs, at load 4: 1.85 s against 0.68 s with no check);
 * this scan takes 1.15 s against 0.92 s (medians of 5, at load 3).
 */
export function isNumberText(text: string): boolean {
  const n = text.length;
  let i = 0;
  let code = text.charCodeAt(0);
  if (code === MINUS) code = text.charCodeAt(++i);
  if (code === ZERO) {
    code = text.charCodeAt(++i);
    if (i === 2 && n === 2) return false;
  } else if (code > ZERO && code <= NINE) {
    do code = text.charCodeAt(++i);
    while (code >= ZERO && code <= NINE);
  } else return text === "NaN" || text === "Infinity" || text === "-Infinity";
  if (code === DOT) {
    const first = i + 1;
    do code = text.charCodeAt(++i);
    while (code >= ZERO && code <= NINE);
    if (i === first || text.charCodeAt(i - 1) === ZERO) return false;
  }
  if (code === LOWER_E) {
    code = text.charCodeAt(++i);
    if (code !== PLUS && code !== MINUS) return false;
    code = text.charCodeAt(++i);
    if (!(code > ZERO && code <= NINE)) return false;
    do code = text.charCodeAt(++i);
    while (code >= ZERO && code <= NINE);
  }
  return i === n;
}

const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;

/** A host's columns as its host file gives them, and the field that holds them; none for a host of no file. */
interface HostColumns {
  readonly partial: PartialCounts;
  /** `explanations.columns` (a host that explained) or `columnNames` (a host whose files hold no row). */
  readonly field: string;
  /** Absent for a host of no row: it read no row's field count. */
  readonly fieldCount?: number;
  readonly names?: readonly string[];
}

function columnsOf(partial: PartialCounts): HostColumns | undefined {
  const explained = partial.explanations;
  if (explained !== undefined) return { partial, field: "explanations.columns", ...explained.columns };
  if (partial.columnNames !== undefined) return { partial, field: "columnNames", names: partial.columnNames };
  return undefined;
}

/**
 * Every host read files of the same columns, as one instance's files must have (merge-partials.ts
 * compares the count pass's). A host whose files hold no row compares the names they give: one
 * instance refuses a differing header row even in a file of no row.
 */
function sameColumns(partials: readonly PartialCounts[]): void {
  const hosts = partials.map(columnsOf).filter((columns) => columns !== undefined);
  // A host that explained, when there is one: it gives the field count as well as the names.
  const first = hosts.find((columns) => columns.fieldCount !== undefined) ?? hosts[0];
  if (first === undefined) return;
  for (const mine of hosts) {
    if (mine === first) continue;
    const fields = mine.fieldCount !== undefined ? (["fieldCount", "names"] as const) : (["names"] as const);
    for (const field of fields) {
      if (JSON.stringify(mine[field]) !== JSON.stringify(first[field])) {
        const name = mine.field === "columnNames" ? "columnNames" : `${mine.field}.${field}`;
        throw new PartialCountsError(
          `host ${mine.partial.host}: ${name} ${show(mine[field])} differs from host ${first.partial.host}'s ${show(first[field])}: every part of the dataset must have the same columns`,
        );
      }
    }
  }
}

/** Every host that explained rows explained them alike: the same labels, features, expected values and feature kinds. */
function agrees(partial: Described, first: Described): void {
  const mine = partial.explanations;
  const theirs = first.explanations;
  for (const field of ["labels", "features", "expectedValues"] as const) {
    if (JSON.stringify(mine[field]) !== JSON.stringify(theirs[field])) {
      throw new PartialCountsError(
        `host ${partial.host}: explanations.${field} ${show(mine[field])} differs from host ${first.host}'s ${show(theirs[field])}: the hosts did not explain one model against one baseline`,
      );
    }
  }
  const onlyMine = mine.textFeatures.find((name) => !theirs.textFeatures.includes(name));
  const onlyTheirs = theirs.textFeatures.find((name) => !mine.textFeatures.includes(name));
  const feature = onlyMine ?? onlyTheirs;
  if (feature !== undefined) {
    const [withText, without] = onlyMine !== undefined ? [partial, first] : [first, partial];
    throw new EngineInputError(
      `feature ${JSON.stringify(feature)} holds text in host ${withText.host}'s files but only numbers in host ${without.host}'s: one instance sends the model such a column as text throughout, which a host cannot know; write the column's cells alike in every file, or run the job on one instance`,
    );
  }
}

/**
 * One instance's refusal of the first baseline cell that fits no host's shard: a category that
 * occurs in no host's files, or text for a feature whose column holds numbers in every host's
 * files (each host read it as text only for the baseline's sake).
 */
function refuseUnseenBaseline(explaining: readonly Described[]): void {
  const all = explaining.map((p) => p.explanations);
  const numericEverywhere = (all[0]?.numericOnlyFeatures ?? []).filter((name) =>
    all.every((e) => e.numericOnlyFeatures?.includes(name)),
  );
  for (const message of all[0]?.unseenBaseline ?? []) {
    if (!all.every((e) => e.unseenBaseline.includes(message))) continue;
    const numeric = numericEverywhere
      .map((name) => asNumericRefusal(message, name))
      .find((refusal) => refusal !== undefined);
    // A number in a column of numbers: one instance takes it as it is.
    if (numeric === null) continue;
    throw new EngineInputError(numeric ?? message);
  }
}
