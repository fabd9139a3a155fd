/**
 * What each top-level column of a Parquet file becomes when pandas reads it
 * (`pd.read_parquet`, pyarrow's `to_pandas()` defaults), and how the engine turns its
 * values into cell text. The engine's typing rules are Clarify's, which look at the pandas
 * dtype; this module says which dtype a Parquet column has, so a Parquet dataset is typed as
 * the same data read from CSV would be.
 */

import type { FileMetaData, SchemaElement, SchemaTree } from "hyparquet";
import { parquetSchema } from "hyparquet/src/metadata.js";
import { quotedColumn } from "../../aggregate/role-column.ts";

export { mergeDtypes } from "./merge-dtypes.ts";

import { BOOLEANS_WITH_NULLS } from "./merge-dtypes.ts";

/** How a column's values are written as cell text (see parquet-cells.ts). */
export type CellKind = "integer" | "float32" | "float64" | "boolean" | "text";

/** A column the engine reads. */
export interface ReadableColumn {
  readonly name: string;
  readonly kind: CellKind;
  /** pandas' dtype for the column when it holds no null (`int64`, `float64`, `bool`, `object`, `category`). */
  readonly dtype: string;
  /** Whether pandas changes the dtype once a null appears (ints become float64, bools object). */
  readonly dtypeWithNulls: string;
  /** The physical type, to tell parts of one dataset that disagree. */
  readonly physical: string;
  readonly schemaPath: readonly SchemaTree[];
  readonly element: SchemaElement;
  /** Index of the column's chunk in each row group. */
  readonly chunk: number;
}

/** A column the engine cannot read: it fails with `reason` when an analysis uses it. */
export interface UnreadableColumn {
  readonly name: string;
  readonly reason: string;
}

export type ParquetColumn = ReadableColumn | UnreadableColumn;

export function isReadable(column: ParquetColumn): column is ReadableColumn {
  return "kind" in column;
}

/** The file's top-level columns, in order, each readable or with the reason it is not. */
export function describeColumns(metadata: FileMetaData): ParquetColumn[] {
  const root = parquetSchema(metadata);
  const categorical = pandasCategoricals(metadata);
  let chunk = 0;
  return root.children.map((tree) => {
    const leaves = leafCount(tree);
    const first = chunk;
    chunk += leaves;
    const { element } = tree;
    if (tree.children.length > 0 || element.repetition_type === "REPEATED") {
      const annotation = element.logical_type?.type ?? element.converted_type;
      const what =
        element.repetition_type === "REPEATED"
          ? "a repeated field"
          : annotation === "LIST" || annotation === "MAP" || annotation === "MAP_KEY_VALUE"
            ? annotation
            : "struct";
      return {
        name: element.name,
        reason: `column ${quotedColumn(element.name)} is a nested Parquet column (${what}); the engine reads flat columns only: flatten it or list it in excluded_columns`,
      };
    }
    const mapped = cellKind(element);
    if (typeof mapped === "string") {
      return {
        name: element.name,
        reason: `column ${quotedColumn(element.name)} has Parquet type ${mapped}, which the engine does not read; cast it to a number or a string, or list it in excluded_columns`,
      };
    }
    // pyarrow reads a dictionary back as one only for strings (BYTE_ARRAY): pandas gets a category
    // of numbers back as int64 / float64, though its metadata says categorical.
    const dtype = categorical.has(element.name) && element.type === "BYTE_ARRAY" ? "category" : mapped.dtype;
    return {
      name: element.name,
      kind: mapped.kind,
      dtype,
      dtypeWithNulls: dtype === "category" ? "category" : mapped.dtypeWithNulls,
      physical: `${element.type}${element.converted_type ? `/${element.converted_type}` : ""}`,
      schemaPath: [root, tree],
      element,
      chunk: first,
    };
  });
}

interface Mapped {
  readonly kind: CellKind;
  readonly dtype: string;
  readonly dtypeWithNulls: string;
}

/** The cell kind and pandas dtypes of a flat column, or the name of its unsupported type. */
function cellKind(element: SchemaElement): Mapped | string {
  const logical = element.logical_type;
  const converted = element.converted_type;
  switch (element.type) {
    case "BOOLEAN":
      // pandas: `object` holding True, False and None, written apart from a string column's
      // `object` because its booleans cast to integers (BOOLEANS_WITH_NULLS).
      return { kind: "boolean", dtype: "bool", dtypeWithNulls: BOOLEANS_WITH_NULLS };
    case "INT32":
    case "INT64": {
      const unsupported = logical?.type ?? converted;
      const integer = integerDtype(element);
      if (integer === undefined) return unsupported ?? String(element.type);
      return { kind: "integer", dtype: integer, dtypeWithNulls: "float64" };
    }
    case "FLOAT":
      return { kind: "float32", dtype: "float32", dtypeWithNulls: "float32" };
    case "DOUBLE":
      return { kind: "float64", dtype: "float64", dtypeWithNulls: "float64" };
    case "BYTE_ARRAY": {
      const annotation = logical?.type ?? converted;
      if (
        annotation === undefined ||
        annotation === "STRING" ||
        annotation === "UTF8" ||
        annotation === "ENUM" ||
        annotation === "JSON"
      ) {
        return { kind: "text", dtype: "object", dtypeWithNulls: "object" };
      }
      return annotation;
    }
    default:
      return logical?.type ?? converted ?? String(element.type);
  }
}

/** `int64`, `int8`, `uint32`, ... for plain and INTEGER-annotated ints; undefined for dates, times, decimals. */
function integerDtype(element: SchemaElement): string | undefined {
  const logical = element.logical_type;
  if (logical?.type === "INTEGER") return `${logical.isSigned ? "int" : "uint"}${logical.bitWidth}`;
  if (logical !== undefined) return undefined;
  const converted = element.converted_type;
  if (converted === undefined) return element.type === "INT32" ? "int32" : "int64";
  const match = /^(U?)INT_(8|16|32|64)$/.exec(converted);
  return match ? `${match[1] ? "uint" : "int"}${match[2]}` : undefined;
}

function leafCount(tree: SchemaTree): number {
  if (tree.children.length === 0) return 1;
  return tree.children.reduce((sum, child) => sum + leafCount(child), 0);
}

/**
 * Columns that pandas wrote as `category` (pyarrow stores the pandas schema as JSON under the
 * `pandas` key), which pandas reads back as categoricals when they hold strings.
 */
function pandasCategoricals(metadata: FileMetaData): Set<string> {
  const text = metadata.key_value_metadata?.find((entry) => entry.key === "pandas")?.value;
  if (text === undefined) return new Set();
  try {
    const pandas = JSON.parse(text) as { columns?: { name?: unknown; pandas_type?: unknown }[] };
    return new Set(
      (pandas.columns ?? [])
        .filter((c) => c.pandas_type === "categorical" && typeof c.name === "string")
        .map((c) => c.name as string),
    );
  } catch {
    // Metadata another tool wrote in its own way: no categorical hint.
    return new Set();
  }
}
