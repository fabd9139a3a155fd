import { JsonLinesReader } from "./jsonlines-reader.ts";
import { ParquetReader } from "./parquet/parquet-reader.ts";
import { CoreTableReader, type FilePart, type OtherFormatReaders, type TableFormat } from "./table-reader.ts";

export type { FilePart, TableFormat } from "./table-reader.ts";

/** Every format's readers: CSV is built into the table reader, JSON Lines and Parquet come from here. */
export const OTHER_FORMAT_READERS: OtherFormatReaders = {
  parquet: (path) => new ParquetReader(path),
  jsonLines: (path, features, extraPaths) => new JsonLinesReader(path, features, extraPaths),
};

/**
 * Opens the files of one dataset (CSV, JSON Lines or Parquet) as a single stream of rows, and
 * tells its column names (see table-reader.ts).
 */
export class TableReader extends CoreTableReader {
  constructor(
    files: readonly (string | FilePart)[],
    format: TableFormat,
    firstFileHeaders?: readonly string[],
  ) {
    super(files, format, firstFileHeaders, OTHER_FORMAT_READERS);
  }
}
