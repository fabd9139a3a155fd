/**
 * The column names of a Parquet file from two ranged reads: its last 8 bytes (the footer's
 * length and the magic `PAR1`), then exactly the footer. The data is never read, whatever the
 * file's size. Used on S3 (ranged GetObject) and on local files alike.
 */

import {
  footerLength,
  PARQUET_TAIL_BYTES,
  parquetColumnNames,
  parseFooter,
} from "../../contracts/parquet-footer.ts";
import { isDataPath } from "../../engine/io/dataset-files.ts";

/** Reads bytes [start, end] (inclusive, as an HTTP Range). */
export type RangeReader = (start: number, end: number) => Promise<Uint8Array>;

/**
 * @throws ParquetFormatError when the file is not Parquet or its footer is damaged
 */
export async function parquetFooterColumns(
  size: number,
  read: RangeReader,
  source: string,
): Promise<string[]> {
  const tail =
    size >= PARQUET_TAIL_BYTES ? await read(size - PARQUET_TAIL_BYTES, size - 1) : new Uint8Array(0);
  const length = footerLength(tail, size, source);
  const start = size - PARQUET_TAIL_BYTES - length;
  const metadata = await read(start, size - PARQUET_TAIL_BYTES - 1);
  const footer = new Uint8Array(length + PARQUET_TAIL_BYTES);
  footer.set(metadata.subarray(0, length), 0);
  footer.set(tail, length);
  return parquetColumnNames(parseFooter(footer, source));
}

/**
 * Whether a key (or file name) below a dataset prefix is a part file: Spark and Hive write
 * `_SUCCESS` and `_metadata` beside the parts and stage attempts under `_temporary/`; none of
 * them is data. Only the path below `prefix` is judged, so a prefix may itself hold `_`.
 */
export function isDataPartName(key: string, prefix = ""): boolean {
  const below = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  // The URI named this very object (not a folder marker).
  if (below === "") return key !== "" && !key.endsWith("/");
  return !below.endsWith("/") && isDataPath(below, { skipMarkers: true });
}
