/**
 * Page decompressors for the codecs Parquet writers use. SNAPPY (pyarrow's and Spark's
 * default) is hyparquet's own; GZIP, ZSTD and BROTLI are Node's zlib (native code, nothing to
 * bundle); LZ4 and LZ4_RAW come from hyparquet-compressors, imported by file so that its
 * brotli tables stay out of the bundle. LZO has no maintained JavaScript decoder: such a file
 * fails with hyparquet's "unsupported compression codec: LZO".
 */
import zlib from "node:zlib";
import type { Compressors } from "hyparquet";
import { decompressLz4, decompressLz4Raw } from "hyparquet-compressors/src/lz4.js";

export const PAGE_DECOMPRESSORS: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
  ZSTD: (input) => zlib.zstdDecompressSync(input),
  LZ4: decompressLz4,
  LZ4_RAW: decompressLz4Raw,
};
