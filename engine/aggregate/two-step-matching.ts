/**
 * Which cells smclarify's `_categorical_data_idx` matches in a categorical column of numbers or
 * booleans. It compares in two steps. First the configured values as they are, through the
 * column's categories, which hold one kind only: a text equals no cell of a column of numbers or
 * booleans, a number (int or float) only a number cell, a config boolean (Python's `True`) only a
 * boolean cell. Only when no row matches, it converts every value to the type of the column's
 * first cell (`convert_positive_label_values`) and compares again: `int("1")` is 1, `int(0.5)` 0,
 * `int(True)` 1, `bool(2)` and `bool("False")` are True (any non-empty text is). So `["1", 2]` on
 * a column of integers matches the 2s alone, `[0.5]` matches the zeros, `[true, 0]` on a column
 * of 0 and 1 the zeros alone, `[1]` on a column of booleans True.
 * The count pass reads each cell by itself (value-matcher.ts: text, or equal numbers, with a
 * true/false cell as 1 or 0), which is what both steps give for the usual configs (numbers that
 * occur in a column of numbers); when the two readings differ for some cell, the column is
 * counted again matching exactly the cells smclarify matches (mixed-columns.ts `textPlan`). A
 * column of text is left to mixed-columns.ts.
 */
import type { ConfigValue } from "../config/analysis-config.ts";
import { parseNumberText } from "../io/parse-number.ts";
import { booleanText } from "./boolean-cell.ts";
import type { ColumnProfile } from "./column-profile.ts";
import { pythonFloatValue, pythonIntReads } from "./python-float.ts";
import { type Unconvertible, unconvertibleValue } from "./unconvertible-value.ts";
import type { ValueMatcher } from "./value-matcher.ts";

/** How pandas holds a column's cells, for this comparison. */
type CellKind = "boolean" | "integer" | "float";

/** smclarify's second step stops on a text the conversion to numbers cannot read. */
export interface UnconvertibleText {
  readonly unconvertible: Unconvertible;
  readonly dtype: string;
}

export interface TwoStepReading {
  /** The cells (their exact text) smclarify matches. */
  readonly matched: readonly string[];
  /** A cell the count pass read otherwise, and the configured value that decided its reading. */
  readonly example: { readonly cell: string; readonly configured: ConfigValue };
}

/**
 * smclarify's reading of the column when it differs from the count pass's (`matcher`), or
 * undefined when they agree, or for a column of text. A column of more distinct values than the
 * counts keep cannot be read cell by cell: unless the values are numbers both steps read as the
 * count pass does, it is refused by the caller through `unknownCells`.
 */
export function twoStepReading(
  matcher: ValueMatcher,
  profile: ColumnProfile,
): TwoStepReading | UnconvertibleText | { readonly unknownCells: true } | undefined {
  const values = matcher.values;
  const kind = cellKind(profile);
  if (kind === undefined || profile.count === 0) return undefined;
  // A continuous column is read by its threshold, not by matching.
  if (profile.dataType(values) !== "categorical") return undefined;
  const dictionary = profile.values;
  if (dictionary.overflowed) return readAsCounted(values, kind) ? undefined : { unknownCells: true };
  const cells = Array.from({ length: dictionary.size }, (_, id) => {
    const text = dictionary.text(id);
    return { id, text, number: kind === "boolean" ? booleanText(text) : parseNumberText(text) };
  });
  const present = cells.filter((cell) => (profile.rowsOf[cell.id] ?? 0) > 0);
  const asIs = (value: ConfigValue, cell: { number: number }) => sameKindEqual(value, cell.number, kind);
  const stepOne = present.some((cell) => values.some((value) => asIs(value, cell)));
  const counted = (cell: { id: number }) =>
    matcher.matches(dictionary.pool, dictionary.start(cell.id), dictionary.end(cell.id));
  if (!stepOne && kind !== "boolean") {
    // `int()` then `float()` of every value: a text neither reads, or a number beyond int64 on
    // integers, stops the Clarify job. Where the
    // count pass matched no row either, the analysis refuses it naming the column (bias-result.ts).
    const unconvertible = unconvertibleValue(values, profile.evidence().dtype);
    if (unconvertible !== undefined) {
      return present.some(counted) ? { unconvertible, dtype: profile.evidence().dtype } : undefined;
    }
  }
  const converted = stepOne ? [] : convertedValues(values, kind);
  const matches = (cell: { number: number }) =>
    stepOne ? values.some((value) => asIs(value, cell)) : converted.includes(cell.number);
  for (const cell of cells) {
    if (counted(cell) === matches(cell)) continue;
    const configured =
      values.find((value) => (stepOne ? asIs(value, cell) : pythonFloatValue(value) === cell.number)) ??
      (values[0] as ConfigValue);
    return {
      matched: cells.filter(matches).map((c) => c.text),
      example: { cell: cell.text, configured },
    };
  }
  return undefined;
}

/**
 * Whether both steps read every cell as the count pass does, whatever the cells: the values are
 * numbers (no text, no boolean) of a column of numbers, so step one is numeric equality, as the
 * count pass's; and step two, when no row matches, converts them to themselves (a float column
 * reads any number, an integer column an integral one), or stops on one beyond int64, which the
 * count pass matched no row with either: bias-result.ts then refuses it (unconvertible-value.ts).
 */
function readAsCounted(values: readonly ConfigValue[], kind: CellKind): boolean {
  if (kind === "boolean") return false;
  return values.every((value) => {
    if (typeof value === "string" || typeof value === "boolean") return false;
    return kind === "float" || Number.isInteger(pythonFloatValue(value));
  });
}

/**
 * The column's cells as pandas holds them; undefined for text (strings), left to
 * mixed-columns.ts: a column with text (in a row left out too), a Parquet string column, and a
 * Parquet category, which is declared for strings only (pd.read_parquet gives a category of
 * numbers back as numbers).
 */
function cellKind(profile: ColumnProfile): CellKind | undefined {
  if (profile.holdsBooleans) return "boolean";
  const declared = profile.heldDtype;
  if (!profile.allNumeric || declared === "object" || declared === "category") return undefined;
  return profile.evidence().dtype === "int64" ? "integer" : "float";
}

/**
 * Step one, `col == value` through the column's categories: a boolean equals a boolean cell of
 * the same truth, a number (int or float, not a boolean) a number cell of the same value, a text
 * nothing.
 */
function sameKindEqual(value: ConfigValue, cell: number, kind: CellKind): boolean {
  if (typeof value === "boolean") return kind === "boolean" && Number(value) === cell;
  if (typeof value === "string") return false;
  return kind !== "boolean" && pythonFloatValue(value) === cell;
}

/**
 * Step two: every value converted to the type of the column's first cell, as numbers to compare
 * the cells with. `bool()` reads any value (a text is True unless empty, a number unless 0);
 * numpy's int64 truncates a float (`int(1.5)` is 1) and reads True as 1; a text that `int()`
 * cannot read makes smclarify convert every value with `float()` instead. A text neither reads,
 * and a value beyond int64 converted to an integer, stop smclarify: unconvertible-value.ts refuses
 * them first.
 */
function convertedValues(values: readonly ConfigValue[], kind: CellKind): number[] {
  if (kind === "boolean") {
    return values.map((value) => {
      if (typeof value === "string") return value === "" ? 0 : 1;
      return pythonFloatValue(value) === 0 ? 0 : 1;
    });
  }
  const integers =
    kind === "integer" && values.every((value) => typeof value !== "string" || pythonIntReads(value));
  return values.map((value) => {
    const number = pythonFloatValue(value);
    return integers && Number.isFinite(number) ? Math.trunc(number) : number;
  });
}
