/**
 * The footer of a Parquet file: the only part anyone needs to learn its columns. A Parquet
 * file ends with its metadata, then the metadata's length (4 bytes, little endian), then
 * `PAR1`; so a reader fetches the last 8 bytes, then exactly the metadata, never the data.
 * Used by the engine (which then reads the row groups) and by validate-config's pre-flight
 * (which stops here). hyparquet's metadata module alone is imported, so a Lambda bundle
 * carries the footer parser and none of the page decoders.
 */
import type { FileMetaData } from "hyparquet";
import { parquetMetadata } from "hyparquet/src/metadata.js";

/** Bytes at the end of every Parquet file: metadata length (uint32 LE) and the magic `PAR1`. */
export const PARQUET_TAIL_BYTES = 8;

const MAGIC = 0x31524150; // "PAR1" read as a little-endian uint32

/** The file is not a Parquet file, or its footer is damaged. */
export class ParquetFormatError extends Error {
  override readonly name = "ParquetFormatError" as const;
}

/**
 * The metadata's length, from the file's last 8 bytes.
 * @throws ParquetFormatError when the bytes do not end a Parquet file
 */
export function footerLength(tail: Uint8Array, fileSize: number, source: string): number {
  if (fileSize < 12 || tail.length < PARQUET_TAIL_BYTES) {
    throw new ParquetFormatError(`${source} is not a Parquet file: it is only ${fileSize} bytes long`);
  }
  const view = new DataView(
    tail.buffer,
    tail.byteOffset + tail.length - PARQUET_TAIL_BYTES,
    PARQUET_TAIL_BYTES,
  );
  if (view.getUint32(4, true) !== MAGIC) {
    throw new ParquetFormatError(`${source} is not a Parquet file: it does not end with PAR1`);
  }
  const length = view.getUint32(0, true);
  if (length + PARQUET_TAIL_BYTES + 4 > fileSize) {
    throw new ParquetFormatError(
      `${source} is a damaged Parquet file: its footer claims ${length} bytes in a ${fileSize}-byte file`,
    );
  }
  return length;
}

/**
 * Parses the metadata from a buffer holding (at least) the metadata followed by the 8-byte tail.
 * @throws ParquetFormatError when the metadata cannot be decoded
 */
export function parseFooter(footer: Uint8Array, source: string): FileMetaData {
  try {
    return parquetMetadata(footer);
  } catch (error) {
    throw new ParquetFormatError(`${source} is a damaged Parquet file: ${(error as Error).message}`);
  }
}

/** The top-level column names, in file order (a nested column counts once, by its own name). */
export function parquetColumnNames(metadata: FileMetaData): string[] {
  const names: string[] = [];
  const schema = metadata.schema;
  // schema[0] is the root; its children follow depth-first, each group followed by its own children.
  let at = 1;
  for (let child = 0; child < (schema[0]?.num_children ?? 0); child++) {
    const element = schema[at];
    if (!element) break;
    names.push(element.name);
    at += subtreeSize(schema, at);
  }
  return names;
}

function subtreeSize(schema: FileMetaData["schema"], at: number): number {
  let size = 1;
  for (let child = 0; child < (schema[at]?.num_children ?? 0); child++)
    size += subtreeSize(schema, at + size);
  return size;
}
