import { basename, relative } from "node:path";
import { isMissing } from "../aggregate/missing-value.ts";
import type { AnalysisConfig } from "../config/analysis-config.ts";
import { EngineInputError } from "../errors.ts";
import { TableReader } from "../io/open-table.ts";
import { parseNumber } from "../io/parse-number.ts";
import { resolveColumn } from "../io/resolve-column.ts";
import { datasetFilesOf, datasetFormat } from "../io/table-format.ts";
import type { FeatureCodec } from "./model/scoring-model.ts";

/**
 * The model's input as the engine holds it: every row's features, row after row, in the
 * dataset's column order. The features are every column but the label, the predicted label
 * and `excluded_columns` (JSON Lines: the `features` array minus the excluded ones). A text
 * column is held as category codes (first appearance order) and named in `codec`.
 */
export interface FeatureTable extends FeatureCodec {
  /** In a SharedArrayBuffer of its own, which worker threads read without a copy. */
  readonly values: Float64Array;
  readonly rows: number;
  readonly featureCount: number;
  /** The dataset column of each feature. */
  readonly columns: readonly number[];
  /** Rows left out because a feature value was missing. */
  readonly rowsDropped: number;
  /** Their positions among the dataset's data rows (zero-based, ascending). */
  readonly droppedRows: readonly number[];
  /** The dataset's files in read order, each with its rows kept (explained), which follow one another in `values`. */
  readonly files: readonly FeatureFile[];
  /** The dataset's columns, features or not: every file has them (hosts of several instances compare them). */
  readonly datasetColumns: DatasetColumns;
}

/** How many fields a dataset row has, and their names when the dataset names them. */
export interface DatasetColumns {
  readonly fieldCount: number;
  readonly names?: readonly string[];
}

/** A dataset file and how many of its rows the table holds. */
export interface FeatureFile {
  /** Its path below the dataset folder (a dataset given as one file: the file's name). */
  readonly path: string;
  readonly rows: number;
}

export function readFeatureTable(
  config: AnalysisConfig,
  datasetPath: string,
  options: {
    /** A host's shard may lose every row to a missing value: the whole dataset need not. */
    readonly allowNoRowLeft?: boolean;
    /**
     * Features (positions among the features) read as text even when every cell is a number: a
     * host's shard whose column holds only numbers where other files hold text (the baseline
     * gives text there), so that its cells reach the model as one instance sends them.
     */
    readonly textFeatures?: ReadonlySet<number>;
    /** The dataset's files below `datasetPath`, in its order, when the caller has listed them: not listed again. */
    readonly files?: readonly string[];
  } = {},
): FeatureTable {
  const jsonLines = config.datasetType === "application/jsonlines";
  // A dataset of features alone has no label (explanations without a bias method).
  const extraPaths = jsonLines && config.label !== undefined ? [String(config.label)] : [];
  const paths = options.files ?? datasetFilesOf(config, datasetPath);
  const reader = new TableReader(paths, datasetFormat(config, extraPaths));
  try {
    if (!reader.prime()) throw new EngineInputError(`the dataset ${datasetPath} has no rows`);
    const fieldCount = reader.fieldCount;
    const featureFields = fieldCount - extraPaths.length;
    const names = jsonLines ? config.headers?.slice(0, featureFields) : reader.headers;
    const column = (ref: string | number, path: string) => resolveColumn(ref, names, featureFields, path);
    const left = new Set(config.excludedColumns.map((ref, i) => column(ref, `$.excluded_columns[${i}]`)));
    if (!jsonLines) {
      if (config.label !== undefined) left.add(column(config.label, "$.label"));
      if (config.predictedLabel !== undefined && config.predictedLabelDatasetUri === undefined) {
        left.add(column(config.predictedLabel, "$.predicted_label"));
      }
    }
    const columns = Array.from({ length: featureFields }, (_, i) => i).filter((i) => !left.has(i));
    if (columns.length === 0) throw new EngineInputError("the dataset has no feature column to explain");
    const F = columns.length;
    // A column holding any text is categorical: its cells are kept as text, numbers read
    // before the first text cell included, and coded once the whole column is known. A number
    // whose text is not the number's own ("1.0", "01", "+1") keeps its text aside, so that a
    // category's text never depends on whether a text cell came before it.
    const numberTexts: (Map<number, string> | undefined)[] = new Array(F).fill(undefined);
    const ownText: boolean[] = new Array(F).fill(true);
    const textCells: (string[] | undefined)[] = Array.from({ length: F }, (_, f) =>
      options.textFeatures?.has(f) ? [] : undefined,
    );
    let values = new Float64Array(1024 * F);
    let rows = 0;
    let dropped = 0;
    const droppedRows: number[] = [];
    const row = new Float64Array(F);
    const texts: string[] = new Array(F).fill("");
    const fileRows = new Array<number>(paths.length).fill(0);
    while (reader.next()) {
      if (reader.fieldCount !== fieldCount) {
        throw new EngineInputError(
          `${reader.location()}: ${reader.fieldCount} fields, expected ${fieldCount}`,
        );
      }
      let missing = false;
      for (let f = 0; f < F; f++) {
        reader.view(columns[f] as number);
        const { viewBuf, viewStart, viewEnd } = reader;
        if (isMissing(viewBuf, viewStart, viewEnd)) {
          missing = true;
          break;
        }
        const number = parseNumber(viewBuf, viewStart, viewEnd);
        row[f] = number;
        const kept =
          Number.isNaN(number) ||
          textCells[f] !== undefined ||
          !writtenAs(number, viewBuf, viewStart, viewEnd);
        ownText[f] = !kept;
        if (kept) {
          texts[f] = Buffer.from(viewBuf.buffer, viewBuf.byteOffset + viewStart, viewEnd - viewStart)
            .toString("utf8")
            .trim();
        }
      }
      if (missing) {
        droppedRows.push(rows + dropped);
        dropped++;
        continue;
      }
      if (values.length < (rows + 1) * F) {
        const grown = new Float64Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      for (let f = 0; f < F; f++) {
        const number = row[f] as number;
        let cells = textCells[f];
        if (cells === undefined && Number.isNaN(number)) {
          const own = numberTexts[f];
          cells = Array.from({ length: rows }, (_, r) => own?.get(r) ?? String(values[r * F + f]));
          textCells[f] = cells;
          numberTexts[f] = undefined;
        }
        if (cells !== undefined) cells.push(texts[f] as string);
        else {
          values[rows * F + f] = number;
          if (!ownText[f]) {
            const own = numberTexts[f] ?? new Map<number, string>();
            numberTexts[f] = own;
            own.set(rows, texts[f] as string);
          }
        }
      }
      rows++;
      (fileRows[reader.fileNumber] as number)++;
    }
    if (rows === 0 && !options.allowNoRowLeft)
      throw new EngineInputError("no row is left to explain: every row misses a feature value");
    const categories = textCells.map((cells, f) => (cells ? encode(cells, values, F, f) : undefined));
    // Kept in shared memory: worker threads that explain the rows read this one copy.
    const held = new Float64Array(new SharedArrayBuffer(rows * F * Float64Array.BYTES_PER_ELEMENT));
    held.set(values.subarray(0, rows * F));
    return {
      values: held,
      rows,
      featureCount: F,
      columns,
      names: columns.map((c) => names?.[c] ?? String(c)),
      categories,
      rowsDropped: dropped,
      droppedRows,
      datasetColumns: { fieldCount, ...(names && { names: [...names] }) },
      files: paths.map((path, i) => ({
        path: path === datasetPath ? basename(path) : relative(datasetPath, path),
        rows: fileRows[i] as number,
      })),
    };
  } finally {
    reader.close();
  }
}

/** Whether a cell's text (spaces around it aside) is the number's own text, `String(number)`. */
function writtenAs(number: number, buf: Uint8Array, start: number, end: number): boolean {
  let from = start;
  let to = end;
  while (from < to && (buf[from] as number) <= 32) from++;
  while (to > from && (buf[to - 1] as number) <= 32) to--;
  const text = String(number);
  if (text.length !== to - from) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== buf[from + i]) return false;
  return true;
}

/** Writes each cell's category code (categories in order of first appearance); returns the categories. */
function encode(cells: readonly string[], values: Float64Array, F: number, f: number): string[] {
  const codes = new Map<string, number>();
  cells.forEach((cell, r) => {
    let code = codes.get(cell);
    if (code === undefined) {
      code = codes.size;
      codes.set(cell, code);
    }
    values[r * F + f] = code;
  });
  return [...codes.keys()];
}
