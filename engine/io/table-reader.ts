import { statSync } from "node:fs";
import { basename } from "node:path";
import { EngineInputError } from "../errors.ts";
import { CsvScanner } from "./csv-scanner.ts";
import { mergeDtypes } from "./parquet/merge-dtypes.ts";
import type { ReadMeter } from "./read-meter.ts";
import type { RowReader } from "./row-reader.ts";
import { assertReadableDatasetFile } from "./sniff-file.ts";

export type TableFormat =
  | { readonly kind: "csv"; readonly headers?: readonly string[] }
  | {
      readonly kind: "jsonlines";
      readonly headers?: readonly string[];
      readonly features?: string;
      readonly extraPaths: readonly string[];
    }
  | { readonly kind: "parquet"; readonly headers?: readonly string[] };

/** Part of a CSV file: the bytes `[start, end)`, cut at record boundaries (parallel/split-csv.ts). */
export interface FilePart {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The end of a run of CSV parts placed while it is read (parallel/shared-cut.ts): before each
 * read of part `part` at `filePos`, where that part ends now; whether part `part` is read at all.
 */
export interface RunCut {
  endOf(part: number, filePos: number): number;
  reads(part: number): boolean;
}

/** A file's rows and the pandas dtype of each column, known from the file (Parquet's schema, JSON Lines' values). */
export interface TypedRows extends RowReader {
  dtypes(): (string | undefined)[];
}

/** A Parquet file's rows, its column names and the dtypes its schema declares (io/parquet/parquet-reader.ts). */
export interface ParquetRows extends TypedRows {
  readonly names: readonly string[];
}

/**
 * How the readers of the formats other than CSV are made. They are given to the reader rather
 * than imported here, so that a count worker thread reading CSV loads the CSV scanner alone
 * (open-table.ts gives every format's).
 */
export interface OtherFormatReaders {
  parquet(path: string): ParquetRows;
  jsonLines(path: string, features: string | undefined, extraPaths: readonly string[]): TypedRows;
}

/**
 * Opens the files of one dataset as a single stream of rows, and tells its column names.
 *
 * CSV header rows follow Clarify's `headers`: without `headers`, the first row of each file
 * names the columns; with `headers`, a first row equal to them is a header row and skipped,
 * any other first row is data. JSON Lines has no header rows; `headers` names the columns.
 * Parquet files name their columns; `headers`, when given, must list the same names.
 */
export class CoreTableReader implements RowReader {
  private readonly files: readonly (string | FilePart)[];
  private readonly format: TableFormat;
  private readonly others: OtherFormatReaders | undefined;
  private fileIndex = -1;
  private current: RowReader | undefined;
  /** The current file's reader when it knows its columns' dtypes (Parquet, JSON Lines). */
  private typed: TypedRows | undefined;
  /** The first row of a file was read to look for a header, and is data: serve it next. */
  private replay = false;
  /** CSV parts whose end is placed while they are read (parallel/shared-cut.ts). */
  private readonly cut: RunCut | undefined;
  headers: readonly string[] | undefined;
  /** Parquet and JSON Lines: pandas' dtype per column over the files read so far (see `columnDtypes`). */
  private dtypes: (string | undefined)[] | undefined;
  /** CSV only: per file (or part) read so far, its quote bytes (see CsvScanner.quotes). */
  private readonly quotes: number[] = [];
  /** Told the bytes each file's reader reads (the count pass's progress). */
  private meter: ReadMeter | undefined;
  fieldCount = 0;
  viewBuf: Uint8Array = new Uint8Array(0);
  viewStart = 0;
  viewEnd = 0;

  /**
   * `files` are read in order; a CSV file may be given as a part of it, and a part that does not
   * start the file holds data rows only. `firstFileHeaders`: the header row of the dataset's
   * first file, when this reader starts elsewhere (other files' header rows must equal it).
   * `others`: the readers of JSON Lines and Parquet files (needed only for those formats).
   */
  constructor(
    files: readonly (string | FilePart)[],
    format: TableFormat,
    firstFileHeaders?: readonly string[],
    others?: OtherFormatReaders,
    cut?: RunCut,
  ) {
    this.files = files;
    this.format = format;
    this.others = others;
    this.cut = cut;
    this.headers = format.headers ?? firstFileHeaders;
  }

  /** Reads the first row (to learn the field count) and serves it again on the next `next()`. */
  prime(): boolean {
    if (!this.next()) return false;
    this.replay = true;
    return true;
  }

  next(): boolean {
    for (;;) {
      if (this.replay) {
        this.replay = false;
        this.fieldCount = (this.current as RowReader).fieldCount;
        return true;
      }
      if (this.current?.next()) {
        this.fieldCount = this.current.fieldCount;
        return true;
      }
      if (!this.openNextFile()) return false;
    }
  }

  /** Each file's reads are told to `meter` from now on (and what the current file has read so far). */
  meterReads(meter: ReadMeter): void {
    this.meter = meter;
    this.current?.meterReads?.(meter);
  }

  rowHolder(): RowReader {
    return this.current ?? this;
  }

  /** The index in `files` of the file (or part) the current row comes from; −1 before the first. */
  get fileNumber(): number {
    return this.fileIndex;
  }

  view(field: number): void {
    const current = this.current as RowReader;
    current.view(field);
    this.viewBuf = current.viewBuf;
    this.viewStart = current.viewStart;
    this.viewEnd = current.viewEnd;
  }

  location(): string {
    return this.current?.location() ?? "the dataset";
  }

  /**
   * The pandas dtype of each column as read from the files' own types (Parquet) or the kinds of
   * their JSON values (JSON Lines: io/jsonlines-kinds.ts), or undefined for CSV, whose types are
   * inferred from the text. Complete once every row is read.
   */
  columnDtypes(): readonly (string | undefined)[] | undefined {
    if (this.typed) this.noteDtypes(this.typed);
    return this.dtypes;
  }

  close(): void {
    this.closeCurrent();
  }

  /** CSV: per file or part, in order, the quote bytes of its records; complete once every row is read. */
  quoteCounts(): readonly number[] {
    if (this.current instanceof CsvScanner) this.quotes[this.fileIndex] = this.current.quotes;
    return this.quotes;
  }

  private closeCurrent(): void {
    if (this.typed) this.noteDtypes(this.typed);
    this.typed = undefined;
    if (this.current instanceof CsvScanner) this.quotes[this.fileIndex] = this.current.quotes;
    this.current?.close();
    this.current = undefined;
  }

  private noteDtypes(reader: TypedRows): void {
    const dtypes = reader.dtypes();
    this.dtypes = this.dtypes === undefined ? dtypes : dtypes.map((d, i) => mergeDtypes(this.dtypes?.[i], d));
  }

  private openNextFile(): boolean {
    this.closeCurrent();
    this.fileIndex++;
    const entry = this.files[this.fileIndex];
    if (entry === undefined) return false;
    const index = this.fileIndex;
    const cut = this.cut;
    if (cut && !cut.reads(index)) return false;
    const file = typeof entry === "string" ? entry : entry.path;
    if (this.format.kind === "parquet") return this.openParquet(file);
    assertReadableDatasetFile(file, this.format.kind === "jsonlines" ? "application/jsonlines" : "text/csv");
    if (this.format.kind === "jsonlines") {
      const reader = this.otherReaders().jsonLines(file, this.format.features, this.format.extraPaths);
      if (this.meter) reader.meterReads?.(this.meter);
      this.current = reader;
      this.typed = reader;
      return true;
    }
    const scanner =
      typeof entry === "string"
        ? new CsvScanner(file)
        : new CsvScanner(file, 1 << 20, entry, cut && ((filePos) => cut.endOf(index, filePos)));
    if (this.meter) scanner.meterReads(this.meter);
    this.current = scanner;
    if (typeof entry !== "string" && entry.start > 0) return true;
    if (!scanner.next()) return true;
    const first = scanner.fields();
    if (this.format.headers === undefined) {
      if (this.headers === undefined) this.headers = first;
      else if (!sameNames(first, this.headers)) {
        throw new EngineInputError(
          `${scanner.location()}: header row differs from the first file's (${this.headers.join(",")})`,
        );
      }
    } else if (!sameNames(first, this.format.headers)) {
      this.replay = true;
    }
    return true;
  }

  /** Spark and Hive write `_SUCCESS` and `_metadata` beside the part files: they hold no rows. */
  private openParquet(file: string): boolean {
    if (basename(file).startsWith("_")) {
      // Read as no rows, but part of the dataset's bytes.
      this.meter?.read(statSync(file).size);
      return true;
    }
    const reader = this.otherReaders().parquet(file);
    if (this.meter) reader.meterReads?.(this.meter);
    this.current = reader;
    this.typed = reader;
    const names = reader.names;
    const expected = this.format.headers ?? this.headers;
    if (expected === undefined) this.headers = names;
    else if (!sameNames(names, expected)) {
      const against = this.format.headers ? "the config's headers" : "the first file's columns";
      throw new EngineInputError(
        `${basename(file)}: its columns (${names.join(",")}) differ from ${against} (${expected.join(",")})`,
      );
    }
    this.headers ??= names;
    return true;
  }

  private otherReaders(): OtherFormatReaders {
    if (this.others === undefined) {
      throw new Error(`a ${this.format.kind} dataset needs the readers of open-table.ts`);
    }
    return this.others;
  }
}

function sameNames(row: readonly string[], names: readonly string[]): boolean {
  return row.length === names.length && row.every((name, i) => name === names[i]);
}
