import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import type { FileMetaData, ParquetParsers, RowGroup } from "hyparquet";
import { DEFAULT_PARSERS } from "hyparquet/src/convert.js";
import { getMaxDefinitionLevel } from "hyparquet/src/schema.js";
import type { ColumnDecoder } from "hyparquet/src/types.js";
import {
  footerLength,
  PARQUET_TAIL_BYTES,
  ParquetFormatError,
  parseFooter,
} from "../../../contracts/parquet-footer.ts";
import { quotedColumn } from "../../aggregate/role-column.ts";
import { EngineInputError } from "../../errors.ts";
import type { ReadMeter } from "../read-meter.ts";
import type { RowReader } from "../row-reader.ts";
import { type FlatPage, readFlatPages } from "./flat-pages.ts";
import { type CellColumn, cellColumn } from "./parquet-cells.ts";
import { PAGE_DECOMPRESSORS } from "./parquet-codecs.ts";
import { describeColumns, isReadable, type ParquetColumn } from "./parquet-columns.ts";

/** Strings stay bytes: the engine compares and counts cells as bytes, like CSV cells. */
const BYTE_PARSERS: ParquetParsers = {
  ...DEFAULT_PARSERS,
  stringFromBytes: (bytes) => bytes,
  jsonFromBytes: (bytes) => bytes,
};

/**
 * Reads one Parquet file as rows, one row group at a time: the footer first, then for each
 * row group only the column chunks the caller looks at, decoded on the first `view` of the
 * column in that group. Memory holds the viewed columns of one row group, whatever the file size.
 * Reads are synchronous file reads, like the CSV scanner's, so the count pass stays one loop.
 */
export class ParquetReader implements RowReader {
  private readonly path: string;
  private fd: number | undefined;
  readonly metadata: FileMetaData;
  readonly columns: readonly ParquetColumn[];
  private group = -1;
  private groupRows = 0;
  private row = -1;
  /** Rows of the row groups before the current one, for locations. */
  private rowsBefore = 0;
  private cells: (CellColumn | undefined)[] = [];
  /** Per column: whether a null was seen in a decoded chunk. */
  private readonly decodedNulls: boolean[];
  readonly fieldCount: number;
  /**
   * The count pass's progress, per row group: a file counts as read in proportion to the rows of
   * the row groups done (it reads only the column chunks viewed, not every byte), the whole file
   * once its last row group is done.
   */
  private readonly fileBytes: number;
  private readonly fileRows: number;
  private reached = 0;
  private meter: ReadMeter | undefined;
  viewBuf: Uint8Array = new Uint8Array(0);
  viewStart = 0;
  viewEnd = 0;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, "r");
    try {
      this.metadata = readFooter(this.fd, basename(path));
    } catch (error) {
      this.close();
      if (error instanceof ParquetFormatError) {
        throw new EngineInputError(`${error.message} (dataset_type is application/x-parquet)`);
      }
      throw error;
    }
    this.fileBytes = fstatSync(this.fd).size;
    this.fileRows = Number(this.metadata.num_rows);
    this.columns = describeColumns(this.metadata);
    this.fieldCount = this.columns.length;
    this.decodedNulls = this.columns.map(() => false);
  }

  /** Column names, in file order. */
  get names(): string[] {
    return this.columns.map((column) => column.name);
  }

  /**
   * The pandas dtype of each column (undefined for columns the engine cannot read): as far as
   * this file tells, a nullable integer column with a null in it is float64, as pandas reads it.
   */
  dtypes(): (string | undefined)[] {
    return this.columns.map((column, index) => {
      if (!isReadable(column)) return undefined;
      return this.hasNulls(index) ? column.dtypeWithNulls : column.dtype;
    });
  }

  meterReads(meter: ReadMeter): void {
    this.meter = meter;
    if (this.reached > 0) meter.read(this.reached);
  }

  location(): string {
    return `${basename(this.path)} row ${this.rowsBefore + this.row + 1}`;
  }

  next(): boolean {
    this.row++;
    while (this.row >= this.groupRows) {
      if (!this.nextGroup()) return false;
    }
    return true;
  }

  view(field: number): void {
    let cells = this.cells[field];
    if (cells === undefined) {
      cells = this.decode(field);
      this.cells[field] = cells;
    }
    cells.view(this.row, this);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private nextGroup(): boolean {
    this.rowsBefore += this.groupRows;
    this.group++;
    this.cells = [];
    const group = this.metadata.row_groups[this.group];
    this.reach(
      group === undefined || this.fileRows <= 0
        ? this.fileBytes
        : Math.round((this.fileBytes * this.rowsBefore) / this.fileRows),
    );
    if (group === undefined) {
      this.groupRows = 0;
      this.row = 0;
      return false;
    }
    this.groupRows = Number(group.num_rows);
    this.row = 0;
    return true;
  }

  private reach(bytes: number): void {
    if (bytes <= this.reached) return;
    this.meter?.read(bytes - this.reached);
    this.reached = bytes;
  }

  private hasNulls(index: number): boolean {
    const column = this.columns[index];
    if (column === undefined || !isReadable(column)) return false;
    if (column.element.repetition_type === "REQUIRED") return false;
    if (this.decodedNulls[index]) return true;
    return this.metadata.row_groups.some(
      (group) => (group.columns[column.chunk]?.meta_data?.statistics?.null_count ?? 0n) > 0n,
    );
  }

  private decode(field: number): CellColumn {
    const column = this.columns[field] as ParquetColumn;
    if (!isReadable(column)) throw new EngineInputError(`${basename(this.path)}: ${column.reason}`);
    const group = this.metadata.row_groups[this.group] as RowGroup;
    const chunk = group.columns[column.chunk];
    const meta = chunk?.meta_data;
    if (!meta || chunk?.file_path) {
      throw new EngineInputError(
        `${basename(this.path)}: column ${quotedColumn(column.name)} of row group ${this.group} is stored in another file, which the engine does not follow`,
      );
    }
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const bytes = this.readBytes(start, Number(meta.total_compressed_size));
    const decoder: ColumnDecoder = {
      pathInSchema: meta.path_in_schema,
      type: meta.type,
      element: column.element,
      schemaPath: [...column.schemaPath],
      codec: meta.codec,
      parsers: BYTE_PARSERS,
      compressors: PAGE_DECOMPRESSORS,
      utf8: false,
    };
    let pages: FlatPage[];
    try {
      pages = readFlatPages(
        { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 },
        decoder,
        this.groupRows,
      );
    } catch (error) {
      throw new EngineInputError(
        `${basename(this.path)}: column ${quotedColumn(column.name)} (${meta.codec}) cannot be decoded: ${(error as Error).message.replace(/^parquet /, "")}`,
      );
    }
    const cells = cellColumn(column.kind, pages, getMaxDefinitionLevel(decoder.schemaPath));
    if (cells.rows !== this.groupRows) {
      throw new EngineInputError(
        `${basename(this.path)}: column ${quotedColumn(column.name)} has ${cells.rows} values in row group ${this.group}, which has ${this.groupRows} rows`,
      );
    }
    if (cells.nulls > 0) this.decodedNulls[field] = true;
    return cells;
  }

  private readBytes(position: number, length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd as number, bytes, done, length - done, position + done);
      if (n === 0)
        throw new EngineInputError(`${basename(this.path)} ends inside a column chunk: it is truncated`);
      done += n;
    }
    return bytes;
  }
}

/** The last 8 bytes, then exactly the metadata before them. */
function readFooter(fd: number, source: string): FileMetaData {
  const size = fstatSync(fd).size;
  const tail = new Uint8Array(PARQUET_TAIL_BYTES);
  if (size >= PARQUET_TAIL_BYTES) readSync(fd, tail, 0, PARQUET_TAIL_BYTES, size - PARQUET_TAIL_BYTES);
  const length = footerLength(tail, size, source);
  const footer = new Uint8Array(length + PARQUET_TAIL_BYTES);
  readSync(fd, footer, 0, footer.length, size - footer.length);
  return parseFooter(footer, source);
}
