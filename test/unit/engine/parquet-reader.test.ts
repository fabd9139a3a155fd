import { closeSync, mkdtempSync, openSync, readSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import parquetjs from "parquetjs-lite";
import { describe, expect, it } from "vitest";
import {
  footerLength,
  PARQUET_TAIL_BYTES,
  parquetColumnNames,
  parseFooter,
} from "../../../contracts/parquet-footer.ts";
import { TableReader } from "../../../engine/io/open-table.ts";
import { BOOLEANS_WITH_NULLS, mergeDtypes } from "../../../engine/io/parquet/merge-dtypes.ts";
import { floatCell } from "../../../engine/io/parquet/parquet-cells.ts";
import { ParquetReader } from "../../../engine/io/parquet/parquet-reader.ts";
import { type FixtureColumn, writeParquet } from "../../support/parquet-writer.ts";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "parquet-reader-"));
}

/** Every row of a reader as cell texts. */
function readAll(reader: ParquetReader | TableReader): string[][] {
  const rows: string[][] = [];
  while (reader.next()) {
    const row: string[] = [];
    for (let field = 0; field < reader.fieldCount; field++) {
      reader.view(field);
      row.push(Buffer.from(reader.viewBuf.subarray(reader.viewStart, reader.viewEnd)).toString("utf8"));
    }
    rows.push(row);
  }
  reader.close();
  return rows;
}

const MIXED: FixtureColumn[] = [
  { name: "id", type: "INT64", data: [1, 2, 3, 4, 5], nullable: false },
  { name: "age", type: "INT64", data: [30, null, 41, 52, 28] },
  { name: "score", type: "DOUBLE", data: [3, 0.1, null, 1e-7, -2.5] },
  { name: "sex", type: "STRING", data: ["F", "M", null, "F", "é"] },
  { name: "member", type: "BOOLEAN", data: [true, false, true, true, false], nullable: false },
  { name: "small", type: "INT32", data: [7, 8, 9, 10, 11], nullable: false },
];

describe("ParquetReader", () => {
  it("reads each value as the cell text pandas would write, across row groups, nulls as empty cells", () => {
    // Prepare: two rows per row group, so the five rows span three groups
    const path = join(tempDir(), "mixed.parquet");
    writeParquet(path, MIXED, { rowGroupSize: 2 });
    // Act
    const reader = new ParquetReader(path);
    const names = reader.names;
    const groups = reader.metadata.row_groups.length;
    const rows = readAll(reader);
    // Assess
    expect(groups).toBe(3);
    expect(names).toEqual(["id", "age", "score", "sex", "member", "small"]);
    expect(rows).toEqual([
      ["1", "30", "3.0", "F", "True", "7"],
      ["2", "", "0.1", "M", "False", "8"],
      ["3", "41", "", "", "True", "9"],
      ["4", "52", "1e-07", "F", "True", "10"],
      ["5", "28", "-2.5", "é", "False", "11"],
    ]);
  });

  it("reads version-1 data pages with RLE definition levels (the layout pyarrow writes by default)", async () => {
    // Prepare: parquetjs writes v1 pages; per-column codecs, nullable columns, two rows per group
    const path = join(tempDir(), "v1.parquet");
    const schema = new parquetjs.ParquetSchema({
      id: { type: "INT64", compression: "GZIP" },
      age: { type: "INT64", optional: true, compression: "SNAPPY" },
      score: { type: "DOUBLE", optional: true },
      sex: { type: "UTF8", optional: true, compression: "GZIP" },
      member: { type: "BOOLEAN" },
    });
    const writer = await parquetjs.ParquetWriter.openFile(schema, path, { useDataPageV2: false });
    writer.setRowGroupSize(2);
    for (const row of [
      { id: 1, age: 30, score: 3, sex: "F", member: true },
      { id: 2, score: 0.1, sex: "M", member: false },
      { id: 3, age: 41, member: true },
      { id: 4, age: 52, score: 1e-7, sex: "F", member: true },
      { id: 5, age: 28, score: -2.5, sex: "é", member: false },
    ])
      await writer.appendRow(row);
    await writer.close();
    // Act
    const reader = new ParquetReader(path);
    const codecs = reader.metadata.row_groups[0]?.columns.map((c) => c.meta_data?.codec);
    const dtypes = reader.dtypes();
    const rows = readAll(reader);
    // Assess
    expect(codecs).toEqual(["GZIP", "SNAPPY", "UNCOMPRESSED", "GZIP", "UNCOMPRESSED"]);
    expect(dtypes).toEqual(["int64", "float64", "float64", "object", "bool"]);
    expect(rows).toEqual([
      ["1", "30", "3.0", "F", "True"],
      ["2", "", "0.1", "M", "False"],
      ["3", "41", "", "", "True"],
      ["4", "52", "1e-07", "F", "True"],
      ["5", "28", "-2.5", "é", "False"],
    ]);
  });

  it("gives each column pandas' dtype: an integer column with a null is float64, strings object", () => {
    // Prepare
    const path = join(tempDir(), "mixed.parquet");
    writeParquet(path, MIXED, { rowGroupSize: 2 });
    // Act
    const reader = new ParquetReader(path);
    const dtypes = reader.dtypes();
    reader.close();
    // Assess
    expect(dtypes).toEqual(["int64", "float64", "float64", "object", "bool", "int32"]);
  });

  it("types a boolean column with a null as an object column of booleans, which parts merge into", () => {
    // Prepare: pandas reads it as object (True, False, None), whose booleans cast to integers.
    const path = join(tempDir(), "booleans.parquet");
    writeParquet(path, [{ name: "member", type: "BOOLEAN", data: [true, null, false] }]);
    // Act
    const reader = new ParquetReader(path);
    const dtypes = reader.dtypes();
    reader.close();
    // Assess: kept apart from a string column's object; parts with and without nulls merge so (pd.concat: object).
    expect(dtypes).toEqual([BOOLEANS_WITH_NULLS]);
    expect(mergeDtypes("bool", BOOLEANS_WITH_NULLS)).toBe(BOOLEANS_WITH_NULLS);
    expect(mergeDtypes(BOOLEANS_WITH_NULLS, "object")).toBe("object");
    expect(mergeDtypes("bool", "int64")).toBe("object");
  });

  it("reads dictionary-encoded strings, and pandas' categorical columns as category", () => {
    // Prepare: a repetitive string column (written with a dictionary page) marked categorical by pandas metadata
    const path = join(tempDir(), "dictionary.parquet");
    const regions = Array.from({ length: 400 }, (_, i) => ["north", "south", "east"][i % 3] as string);
    writeParquet(path, [{ name: "region", type: "STRING", data: regions }], {
      kvMetadata: [
        {
          key: "pandas",
          value: JSON.stringify({ columns: [{ name: "region", pandas_type: "categorical" }] }),
        },
      ],
    });
    // Act
    const reader = new ParquetReader(path);
    const encodings = reader.metadata.row_groups[0]?.columns[0]?.meta_data?.encodings;
    const dtypes = reader.dtypes();
    const rows = readAll(reader);
    // Assess
    expect(encodings).toContain("RLE_DICTIONARY");
    expect(dtypes).toEqual(["category"]);
    expect(rows.map((row) => row[0])).toEqual(regions);
  });

  it("fails on a timestamp column only when the analysis reads it, naming the column and the way out", () => {
    // Prepare
    const path = join(tempDir(), "dates.parquet");
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "y", type: "INT64", data: [1n, 0n] },
        { name: "when", type: "TIMESTAMP", data: [new Date(0), new Date(1000)] },
      ],
    });
    writeFileSync(path, new Uint8Array(buffer));
    const reader = new ParquetReader(path);
    // Act
    reader.next();
    reader.view(0);
    const read = () => reader.view(1);
    // Assess
    expect(Buffer.from(reader.viewBuf.subarray(reader.viewStart, reader.viewEnd)).toString()).toBe("1");
    expect(read).toThrow(
      'dates.parquet: column "when" has Parquet type TIMESTAMP_MILLIS, which the engine does not read; cast it to a number or a string, or list it in excluded_columns',
    );
    expect(reader.dtypes()).toEqual(["int64", undefined]);
    reader.close();
  });

  it("fails on nested columns (a list, a struct) only when the analysis reads them", async () => {
    // Prepare
    const path = join(tempDir(), "nested.parquet");
    const schema = new parquetjs.ParquetSchema({
      tags: { type: "UTF8", repeated: true },
      address: { fields: { city: { type: "UTF8" }, zip: { type: "INT32" } } },
      y: { type: "INT64" },
    });
    const writer = await parquetjs.ParquetWriter.openFile(schema, path);
    await writer.appendRow({ tags: ["a", "b"], address: { city: "Lyon", zip: 69001 }, y: 1 });
    await writer.close();
    const reader = new ParquetReader(path);
    // Act
    reader.next();
    reader.view(2);
    const y = Buffer.from(reader.viewBuf.subarray(reader.viewStart, reader.viewEnd)).toString();
    // Assess
    expect(reader.names).toEqual(["tags", "address", "y"]);
    expect(y).toBe("1");
    expect(() => reader.view(0)).toThrow(
      'nested.parquet: column "tags" is a nested Parquet column (a repeated field); the engine reads flat columns only: flatten it or list it in excluded_columns',
    );
    expect(() => reader.view(1)).toThrow('column "address" is a nested Parquet column (struct)');
    reader.close();
  });

  it("refuses a file that is not Parquet with one line naming it", () => {
    // Prepare
    const path = join(tempDir(), "data.parquet");
    writeFileSync(path, "age,sex\n30,F\n41,M\n");
    // Act
    const open = () => new ParquetReader(path);
    // Assess
    expect(open).toThrow(
      "data.parquet is not a Parquet file: it does not end with PAR1 (dataset_type is application/x-parquet)",
    );
  });

  it("reads a folder of parts in name order, skipping _SUCCESS, and refuses a part with other columns", () => {
    // Prepare
    const dir = tempDir();
    writeParquet(join(dir, "part-00000.parquet"), [{ name: "x", type: "INT64", data: [1, 2] }]);
    writeParquet(join(dir, "part-00001.parquet"), [{ name: "x", type: "INT64", data: [3, null] }]);
    writeFileSync(join(dir, "_SUCCESS"), "");
    const other = tempDir();
    writeParquet(join(other, "part-0.parquet"), [{ name: "x", type: "INT64", data: [1] }]);
    writeParquet(join(other, "part-1.parquet"), [{ name: "z", type: "INT64", data: [1] }]);
    const files = (d: string, names: string[]) => names.map((n) => join(d, n));
    // Act
    const table = new TableReader(files(dir, ["_SUCCESS", "part-00000.parquet", "part-00001.parquet"]), {
      kind: "parquet",
    });
    const rows = readAll(table);
    const dtypes = table.columnDtypes();
    const mismatched = new TableReader(files(other, ["part-0.parquet", "part-1.parquet"]), {
      kind: "parquet",
    });
    // Assess
    expect(rows).toEqual([["1"], ["2"], ["3"], [""]]);
    expect(dtypes).toEqual(["float64"]);
    expect(() => readAll(mismatched)).toThrow(
      "part-1.parquet: its columns (z) differ from the first file's columns (x)",
    );
  });
});

describe("Parquet footer", () => {
  it("is found from the last 8 bytes and parsed alone, without the data", () => {
    // Prepare
    const path = join(tempDir(), "mixed.parquet");
    writeParquet(path, MIXED);
    const size = statSync(path).size;
    const fd = openSync(path, "r");
    const tail = new Uint8Array(PARQUET_TAIL_BYTES);
    readSync(fd, tail, 0, PARQUET_TAIL_BYTES, size - PARQUET_TAIL_BYTES);
    // Act
    const length = footerLength(tail, size, "mixed.parquet");
    const footer = new Uint8Array(length + PARQUET_TAIL_BYTES);
    readSync(fd, footer, 0, footer.length, size - footer.length);
    closeSync(fd);
    const names = parquetColumnNames(parseFooter(footer, "mixed.parquet"));
    // Assess
    expect(footer.length).toBeLessThan(size);
    expect(names).toEqual(["id", "age", "score", "sex", "member", "small"]);
  });
});

describe("floatCell", () => {
  it("writes a float cell as pandas reads it: Python's repr, float32 by its own digits, NaN missing", () => {
    // Act
    const texts = [
      floatCell(3, "float64"),
      floatCell(Math.fround(0.1), "float32"),
      floatCell(Number.NaN, "float64"),
    ];
    // Assess: the table of Python's texts is test/unit/engine/python-float-repr.test.ts.
    expect(texts).toEqual(["3.0", "0.1", ""]);
    expect(floatCell(Number.NEGATIVE_INFINITY, "float32")).toBe("-inf");
  });
});
