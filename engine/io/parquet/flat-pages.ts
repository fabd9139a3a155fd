/**
 * The pages of one flat column chunk, decoded with hyparquet's page decoders but without its
 * row assembly: each data page is handed on as its dense values plus its definition levels
 * (a level below the column's maximum is a null). For a flat column that is all a row needs,
 * and it spares building one JavaScript array per chunk (hyparquet's `readColumn` assembles
 * every value into one, which dominated the read time).
 */
import { parquetHeader } from "hyparquet/src/column.js";
import { convert, convertWithDictionary } from "hyparquet/src/convert.js";
import { decompressPage, readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js";
import { readPlain } from "hyparquet/src/plain.js";
import type { ColumnDecoder, DataReader, DecodedArray } from "hyparquet/src/types.js";

/** One data page: `values` holds the non-null values in row order; `definitionLevels` one entry per row, when the column is nullable. */
export interface FlatPage {
  readonly values: ArrayLike<unknown>;
  readonly definitionLevels: ArrayLike<number> | undefined;
  readonly rows: number;
}

export function readFlatPages(reader: DataReader, decoder: ColumnDecoder, rows: number): FlatPage[] {
  const pages: FlatPage[] = [];
  let dictionary: DecodedArray | undefined;
  let read = 0;
  while (read < rows && reader.offset < reader.view.byteLength - 1) {
    const header = parquetHeader(reader);
    const compressed = new Uint8Array(
      reader.view.buffer,
      reader.view.byteOffset + reader.offset,
      header.compressed_page_size,
    );
    reader.offset += header.compressed_page_size;
    if (header.type === "DICTIONARY_PAGE") {
      const page = decompressPage(
        compressed,
        Number(header.uncompressed_page_size),
        decoder.codec,
        decoder.compressors,
      );
      const plain = readPlain(
        { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 },
        decoder.type,
        header.dictionary_page_header?.num_values ?? 0,
        decoder.element.type_length,
      );
      dictionary = convert(plain, decoder);
    } else if (header.type === "DATA_PAGE" && header.data_page_header) {
      const daph = header.data_page_header;
      const page = decompressPage(
        compressed,
        Number(header.uncompressed_page_size),
        decoder.codec,
        decoder.compressors,
      );
      const { definitionLevels, dataPage } = readDataPage(page, daph, decoder);
      const values = convertWithDictionary(dataPage, dictionary, daph.encoding, decoder);
      pages.push({ values, definitionLevels: nonEmpty(definitionLevels), rows: daph.num_values });
      read += daph.num_values;
    } else if (header.type === "DATA_PAGE_V2" && header.data_page_header_v2) {
      const daph2 = header.data_page_header_v2;
      const { definitionLevels, dataPage } = readDataPageV2(compressed, header, decoder);
      const values = convertWithDictionary(dataPage, dictionary, daph2.encoding, decoder);
      pages.push({ values, definitionLevels: nonEmpty(definitionLevels), rows: daph2.num_rows });
      read += daph2.num_rows;
    }
    // Index pages carry no values.
  }
  return pages;
}

function nonEmpty(levels: number[] | undefined): number[] | undefined {
  return levels && levels.length > 0 ? levels : undefined;
}
