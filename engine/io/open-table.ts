import { EngineInputError } from "../errors.ts";
import { CsvScanner } from "./csv-scanner.ts";
import { JsonLinesReader } from "./jsonlines-reader.ts";
import type { RowReader } from "./row-reader.ts";

export type TableFormat =
  | { readonly kind: "csv"; readonly headers?: readonly string[] }
  | {
      readonly kind: "jsonlines";
      readonly headers?: readonly string[];
      readonly features?: string;
      readonly extraPaths: readonly string[];
    };

/**
 * Opens the files of one dataset as a single stream of rows, and tells its column names.
 *
 * CSV header rows follow Clarify's `headers`: without `headers`, the first row of each file
 * names the columns; with `headers`, a first row equal to them is a header row and skipped,
 * any other first row is data. JSON Lines has no header rows; `headers` names the columns.
 */
export class TableReader implements RowReader {
  private readonly files: readonly string[];
  private readonly format: TableFormat;
  private fileIndex = -1;
  private current: RowReader | undefined;
  /** The first row of a file was read to look for a header, and is data: serve it next. */
  private replay = false;
  headers: readonly string[] | undefined;
  fieldCount = 0;
  viewBuf: Uint8Array = new Uint8Array(0);
  viewStart = 0;
  viewEnd = 0;

  constructor(files: readonly string[], format: TableFormat) {
    this.files = files;
    this.format = format;
    this.headers = format.headers;
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

  close(): void {
    this.current?.close();
    this.current = undefined;
  }

  private openNextFile(): boolean {
    this.current?.close();
    this.current = undefined;
    this.fileIndex++;
    const file = this.files[this.fileIndex];
    if (file === undefined) return false;
    if (this.format.kind === "jsonlines") {
      this.current = new JsonLinesReader(file, this.format.features, this.format.extraPaths);
      return true;
    }
    const scanner = new CsvScanner(file);
    this.current = scanner;
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
}

function sameNames(row: readonly string[], names: readonly string[]): boolean {
  return row.length === names.length && row.every((name, i) => name === names[i]);
}
