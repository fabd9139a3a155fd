/**
 * Writes the Parquet files the tests and benchmarks read, from CSV text, with hyparquet-writer
 * (a devDependency) and Node's zlib for the GZIP, ZSTD and BROTLI codecs. Nothing is downloaded: every
 * Parquet fixture is made from a CSV in the repository at test time.
 */
import { writeFileSync } from "node:fs";
import zlib from "node:zlib";
import type { ColumnSource } from "hyparquet-writer";
import { parquetWriteBuffer } from "hyparquet-writer";

export type FixtureType = "INT64" | "INT32" | "DOUBLE" | "STRING" | "BOOLEAN";
export type FixtureCodec = "SNAPPY" | "GZIP" | "ZSTD" | "BROTLI" | "UNCOMPRESSED";

export interface FixtureColumn {
  readonly name: string;
  readonly type: FixtureType;
  /** null is a missing value (a blank CSV cell). */
  readonly data: readonly (number | string | boolean | null)[];
  /** Written as REQUIRED (no definition levels) when false. @default true */
  readonly nullable?: boolean;
}

export interface FixtureOptions {
  readonly codec?: FixtureCodec;
  /** Rows per row group (constant). @default 1000 */
  readonly rowGroupSize?: number;
  readonly kvMetadata?: readonly { key: string; value: string }[];
}

const COMPRESSORS = {
  GZIP: (input: Uint8Array) => new Uint8Array(zlib.gzipSync(input)),
  ZSTD: (input: Uint8Array) => new Uint8Array(zlib.zstdCompressSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(zlib.brotliCompressSync(input)),
};

/** Columns of a CSV without quoted fields (the fixtures' shape); blank cells are nulls. */
export function csvColumns(csv: string, types: Readonly<Record<string, FixtureType>> = {}): FixtureColumn[] {
  const [header = "", ...lines] = csv.split(/\r?\n/).filter((line) => line !== "");
  const names = header.split(",");
  const cells = lines.map((line) => line.split(","));
  return names.map((name, index) => {
    const texts = cells.map((row) => row[index] ?? "");
    const type = types[name] ?? guessType(texts);
    return { name, type, data: texts.map((text) => (text === "" ? null : typed(text, type))) };
  });
}

/** The Parquet bytes of the columns. */
export function parquetBytes(columns: readonly FixtureColumn[], options: FixtureOptions = {}): Uint8Array {
  const columnData: ColumnSource[] = columns.map((column) => ({
    name: column.name,
    type: column.type,
    nullable: column.nullable ?? true,
    data:
      column.type === "INT64"
        ? column.data.map((v) => (v === null ? null : BigInt(v as number)))
        : [...column.data],
  }));
  const buffer = parquetWriteBuffer({
    columnData,
    codec: options.codec ?? "SNAPPY",
    compressors: COMPRESSORS,
    rowGroupSize: options.rowGroupSize ?? 1000,
    ...(options.kvMetadata && { kvMetadata: [...options.kvMetadata] }),
  });
  return new Uint8Array(buffer);
}

export function writeParquet(
  path: string,
  columns: readonly FixtureColumn[],
  options: FixtureOptions = {},
): void {
  writeFileSync(path, parquetBytes(columns, options));
}

function guessType(texts: readonly string[]): FixtureType {
  const values = texts.filter((text) => text !== "");
  if (values.every((text) => /^-?\d+$/.test(text))) return "INT64";
  if (values.every((text) => text.trim() !== "" && !Number.isNaN(Number(text)))) return "DOUBLE";
  if (values.every((text) => text === "True" || text === "False")) return "BOOLEAN";
  return "STRING";
}

function typed(text: string, type: FixtureType): number | string | boolean {
  if (type === "STRING") return text;
  if (type === "BOOLEAN") return text === "True";
  return Number(text);
}
