import { BOOLEANS_WITH_NULLS } from "../io/parquet/merge-dtypes.ts";
import { numberParse, parseNumberInto } from "../io/parse-number.ts";
import { booleanCell } from "./boolean-cell.ts";
import { type ColumnEvidence, type ColumnTyping, clarifyDataType, type DataType } from "./column-typing.ts";
import { pythonFloatRepr } from "./python-float-repr.ts";
import { ValueDictionary } from "./value-dictionary.ts";

export type { DataType } from "./column-typing.ts";

/**
 * The kinds of cell a column holds in rows left out for a missing analysed value, as bits
 * (`ColumnProfile.leftOutKinds`): pandas types a column from all its cells before those rows are
 * dropped, so a text or a fraction there changes how the rows analysed are read.
 */
export const LEFT_OUT = { integer: 1, fraction: 2, boolean: 4, text: 8 } as const;

/** Every `LEFT_OUT` bit. */
export const LEFT_OUT_ALL = 15;

/**
 * What the engine learns about one analysed column while streaming: its distinct values (in
 * order of first appearance, bounded) and how many rows hold each, whether every value is a
 * number / an integer, its maximum, and how many of its cells were missing. Enough to type the
 * column as pandas and then Clarify do, once the stream ends.
 */
export class ColumnProfile {
  readonly values: ValueDictionary;
  /** Rows per value id. */
  readonly rowsOf: number[] = [];
  count = 0;
  /** Missing cells (empty or a pandas NA spelling) seen in this column, kept rows or not. */
  missing = 0;
  /**
   * The kinds (`LEFT_OUT` bits) of this column's cells, missing ones aside, in rows left out for
   * another missing analysed value; `count`, the values and the facts below are the analysed rows'.
   */
  leftOutKinds = 0;
  allNumeric = true;
  allInteger = true;
  max = Number.NEGATIVE_INFINITY;
  /** The number parsed by the last `observe` (NaN for text). */
  lastNumber = Number.NaN;
  /**
   * The pandas dtype the file itself declares (Parquet's schema, JSON Lines' kinds of value),
   * which pandas keeps instead of inferring one from the text: undefined for CSV and a JSON Lines
   * column of numbers.
   */
  declaredDtype: string | undefined;
  /** numberGroupOfIds's answer, for the values and cells it was worked out from. */
  private numberGroups: { size: number; count: number; groupOf: number[] | undefined } | undefined;
  /** Per value id: its `LEFT_OUT` kind once a left-out row held it (0: not yet worked out). */
  private kindOf = new Uint8Array(16);
  /** Per value id: its number (NaN for text); `parsed` ids so far. */
  private numberOf = new Float64Array(16);
  private parsed = 0;

  constructor(capacity: number) {
    this.values = new ValueDictionary(capacity);
  }

  /** Records one cell; returns its value id (-1 once the dictionary is full). */
  observe(buf: Uint8Array, start: number, end: number): number {
    return this.observeLearnt(this.values.idOf(buf, start, end), buf, start, end);
  }

  /**
   * Records the cell the last `values.find` missed (see ValueDictionary.learnMissed): as
   * `observe`, without hashing it again; a full dictionary (a column of many values) then costs
   * one lookup per cell.
   */
  observeMissed(buf: Uint8Array, start: number, end: number): number {
    return this.observeLearnt(this.values.learnMissed(buf, start, end), buf, start, end);
  }

  private observeLearnt(id: number, buf: Uint8Array, start: number, end: number): number {
    if (id >= 0) {
      this.observeId(id);
      return id;
    }
    this.count++;
    if (this.allNumeric) {
      parseNumberInto(buf, start, end);
      this.lastNumber = numberParse.value;
      this.noteLastNumber(numberParse.lastWasInteger);
    } else this.lastNumber = Number.NaN;
    return id;
  }

  /** Records one cell whose value id is known (`values.find`): as `observe`, without hashing it again. */
  observeId(id: number): void {
    this.count++;
    this.rowsOf[id] = (this.rowsOf[id] ?? 0) + 1;
    // A value's number is parsed and noted (maximum, integers, all numbers) once, when the value
    // is first seen: the count loop meets the same few values again and again, and noting one
    // again would change nothing.
    if (id >= this.parsed) this.parseUpTo(id);
    this.lastNumber = this.allNumeric ? (this.numberOf[id] as number) : Number.NaN;
  }

  /**
   * Notes `lastNumber` (NaN for text) while the column holds numbers only. It reads the number
   * from the field rather than taking it as an argument: a fractional number passed to a call
   * that is not inlined is boxed on the heap, which the count loop would do once per cell.
   */
  private noteLastNumber(integer: boolean): void {
    const value = this.lastNumber;
    if (Number.isNaN(value)) this.allNumeric = false;
    else {
      if (!integer) this.allInteger = false;
      if (value > this.max) this.max = value;
    }
  }

  /** Parses the values up to `id`: each one's number (NaN for text) and whether it is written as an integer. */
  private parseUpTo(id: number): void {
    if (id >= this.numberOf.length) {
      const numbers = new Float64Array(2 * id + 2);
      numbers.set(this.numberOf);
      this.numberOf = numbers;
    }
    for (; this.parsed <= id; this.parsed++) {
      const values = this.values;
      parseNumberInto(values.pool, values.start(this.parsed), values.end(this.parsed));
      const value = numberParse.value;
      this.numberOf[this.parsed] = value;
      if (this.allNumeric) {
        this.lastNumber = value;
        this.noteLastNumber(!Number.isNaN(value) && numberParse.lastWasInteger);
      }
    }
  }

  /**
   * Notes a non-missing cell of a row left out (`leftOutKinds`): a number written as an integer
   * or with a fraction, a boolean spelling, or text, by the grammar the analysed cells are read by.
   * Not called per analysed row: rows with a missing cell are rare.
   */
  noteLeftOut(buf: Uint8Array, start: number, end: number): void {
    this.leftOutKinds |= leftOutKind(buf, start, end);
  }

  /** `noteLeftOut` of a cell whose value the analysed rows hold (id from `values.find`): its kind is kept per id. */
  noteLeftOutId(id: number): void {
    if (id >= this.kindOf.length) {
      const kinds = new Uint8Array(Math.max(2 * this.kindOf.length, id + 1));
      kinds.set(this.kindOf);
      this.kindOf = kinds;
    }
    let kind = this.kindOf[id] as number;
    if (kind === 0) {
      const values = this.values;
      kind = leftOutKind(values.pool, values.start(id), values.end(id));
      this.kindOf[id] = kind;
    }
    this.leftOutKinds |= kind;
  }

  /**
   * The dtype pandas holds the column as beyond what the analysed cells alone tell: the one the
   * file declares (`declaredDtype`), or else the one the cells of rows left out force on a column
   * of numbers or of booleans: `object` (every cell a string) for a text there, or a boolean beside
   * numbers (a number beside booleans); `float64` for a fraction beside integers. Undefined when
   * the analysed cells' own typing holds.
   */
  get heldDtype(): string | undefined {
    return this.declaredDtype ?? this.leftOutDtype();
  }

  /** Whether `heldDtype` comes from the cells of rows left out, not from the file. */
  get typedByLeftOut(): boolean {
    return this.declaredDtype === undefined && this.leftOutDtype() !== undefined;
  }

  private leftOutDtype(): "object" | "float64" | undefined {
    const kinds = this.leftOutKinds;
    if (kinds === 0 || this.count === 0) return undefined;
    if (!this.allNumeric) {
      // Analysed text stays text; analysed booleans stay booleans beside left-out ones only.
      return this.keptBooleans() && (kinds & ~LEFT_OUT.boolean) !== 0 ? "object" : undefined;
    }
    if ((kinds & (LEFT_OUT.text | LEFT_OUT.boolean)) !== 0) return "object";
    return (kinds & LEFT_OUT.fraction) !== 0 && this.allInteger ? "float64" : undefined;
  }

  /** Whether pandas reads the column as int64 (integers and no missing cell). */
  get isInt64(): boolean {
    return this.allNumeric && this.allInteger && this.missing === 0 && this.count > 0 && !this.typedByLeftOut;
  }

  /** The column as pandas types it when reading the dataset. */
  evidence(): ColumnEvidence {
    // `nunique()` counts booleans, not their spellings: `True` and `true` are one value.
    // `nunique()` counts numbers, not their spellings: ` 1` and `1` are one integer.
    const truths = this.truthOfIds();
    // Floats are continuous whatever their share of distinct values: only integers need the count.
    const numbers = truths || !this.allInteger ? undefined : this.numberGroupOfIds();
    const distinct = truths ? new Set(truths).size : numbers ? new Set(numbers).size : this.values.size;
    const counted = { distinct, count: this.count };
    const held = this.heldDtype;
    const declared = held === undefined ? undefined : this.declaredEvidence(held);
    if (declared) return { ...declared, ...counted };
    if (!this.allNumeric || this.count === 0) {
      if (!this.holdsBooleans) return { dtype: "object", castsToInt: false, ...counted };
      // pandas reads true/false cells as booleans; with a missing cell the column is `object`
      // (True, False, NaN), whose booleans `astype("int64")` turns into 1 and 0.
      return this.missing === 0
        ? { dtype: "bool", ...counted }
        : { dtype: "object", castsToInt: true, booleans: true, ...counted };
    }
    if (!this.allInteger) return { dtype: "float64", ...counted };
    if (this.missing > 0) return { dtype: "float64", floatFromMissing: true, ...counted };
    return { dtype: "int64", ...counted };
  }

  /**
   * Whether pandas holds the column's cells as booleans: every value is one of the spellings its
   * CSV reader turns into True / False; a declared column (Parquet, JSON Lines: a JSON string
   * "true" is text) by its dtype.
   */
  get holdsBooleans(): boolean {
    const held = this.heldDtype;
    if (this.count === 0 || held !== undefined) return held === "bool" || held === BOOLEANS_WITH_NULLS;
    return this.keptBooleans();
  }

  /** Whether every value of the analysed cells is one of pandas' boolean spellings. */
  private keptBooleans(): boolean {
    for (let id = 0; id < this.values.size; id++) {
      if (this.truthOf(id) === -1) return false;
    }
    return this.values.size > 0 && !this.values.overflowed;
  }

  /**
   * For a column pandas holds as booleans, each value id's truth (1 True, 0 False): its cells
   * `True`, `true` and `TRUE` are one value to pandas, written "True" (`str(True)`). Undefined
   * for other columns, whose values are their texts.
   */
  truthOfIds(): (0 | 1)[] | undefined {
    if (!this.holdsBooleans) return undefined;
    return Array.from({ length: this.values.size }, (_, id) => (this.truthOf(id) === 1 ? 1 : 0));
  }

  /** Value `id` as one of the spellings pandas' CSV reader turns into booleans: 1, 0, or -1 (none). */
  private truthOf(id: number): 0 | 1 | -1 {
    return booleanCell(this.values.pool, this.values.start(id), this.values.end(id));
  }

  /**
   * For a column pandas holds as numbers (int64, float64), each value id's number group: the id
   * of the first value of the same number. pandas reads ` 1`, `1 `, `+1` and `01` as the integer
   * 1, one value to `nunique()`, `unique()` and `==`, written "1" (`integerText`); the engine keeps
   * each spelling as its own value id. Undefined when every value is its own number, and for
   * other columns (text, booleans: truthOfIds), whose spellings pandas keeps apart.
   */
  numberGroupOfIds(): number[] | undefined {
    // Typing, the facet's splits and the groups each ask once the pass has ended: worked out once.
    const memo = this.numberGroups;
    if (memo && memo.size === this.values.size && memo.count === this.count) return memo.groupOf;
    const groupOf = this.findNumberGroups();
    this.numberGroups = { size: this.values.size, count: this.count, groupOf };
    return groupOf;
  }

  private findNumberGroups(): number[] | undefined {
    const held = this.heldDtype;
    const declaredNumbers = held === undefined || /^(u?int|float)\d+$/.test(held);
    if (this.count === 0 || !this.allNumeric || !declaredNumbers || this.holdsBooleans) return undefined;
    // A column of integers held as floats (a fraction in a row left out) compares them as floats.
    const integers = this.allInteger && !this.typedByLeftOut;
    const firstOf = new Map<string | number, number>();
    const groupOf: number[] = [];
    let merged = false;
    for (let id = 0; id < this.values.size; id++) {
      const text = this.values.text(id);
      // Integers are compared by their digits, which a double may not hold exactly past 2^53.
      let key: string | number = integerText(text);
      if (!integers) {
        parseNumberInto(this.values.pool, this.values.start(id), this.values.end(id));
        key = numberParse.value;
      }
      const first = firstOf.get(key);
      if (first === undefined) firstOf.set(key, id);
      else merged = true;
      groupOf.push(first ?? id);
    }
    return merged ? groupOf : undefined;
  }

  /**
   * The text smclarify writes for value `id` when it lists a categorical facet's values:
   * `str()` of pandas' value, so an integer column's ` 01` is "1"; other columns' values as they
   * are (a column of numbers listed value by value is int64: floats are continuous).
   */
  valueText(id: number): string {
    const text = this.values.text(id);
    return this.isInt64 && this.heldDtype === undefined ? integerText(text) : text;
  }

  /**
   * The column as smclarify's threshold sees it (`_interval_index`): its maximum, and whether
   * pandas holds its numbers as integers (integer interval breaks). A column of booleans with
   * missing cells is typed continuous as integers (column-typing.ts); its maximum is then
   * Python's True (1) or False (0), and `booleanMax` says so.
   */
  thresholdColumn(): { readonly max: number; readonly integer: boolean; readonly booleanMax: boolean } {
    if (this.allNumeric || !this.holdsBooleans) {
      return { max: this.max, integer: this.isInt64 || this.integerStrings(), booleanMax: false };
    }
    let max = 0;
    for (let id = 0; id < this.values.size; id++) {
      if (this.truthOf(id) === 1) max = 1;
    }
    return { max, integer: true, booleanMax: true };
  }

  /**
   * Whether pandas holds the column as strings (`object`: a text in a row left out, or the file's
   * string column) whose analysed cells are all integers: `pd.to_numeric` of the rows left, which
   * smclarify applies to a continuous column, gives int64 however many cells were missing, so a
   * threshold's interval has integer breaks.
   */
  private integerStrings(): boolean {
    return this.heldDtype === "object" && this.allNumeric && this.allInteger && this.count > 0;
  }

  /**
   * A declared dtype as typing evidence: text columns stay `object` even when their values are
   * numbers (smclarify then tries `astype(int)`), `category` stays categorical, and a float64
   * column of integer cells is an integer column that held nulls.
   */
  private declaredEvidence(dtype: string): Omit<ColumnEvidence, "distinct" | "count"> | undefined {
    const integers = this.allNumeric && this.allInteger && this.count > 0;
    if (dtype === "category" || dtype === "bool") return { dtype };
    if (dtype === BOOLEANS_WITH_NULLS) return { dtype: "object", castsToInt: true, booleans: true };
    if (dtype === "object") {
      return { dtype, castsToInt: integers, ...(this.typedByLeftOut && { textFromLeftOut: true }) };
    }
    if (/^u?int\d+$/.test(dtype)) return { dtype: "int64" };
    if (/^float\d+$/.test(dtype)) {
      if (this.typedByLeftOut) return { dtype: "float64", floatFromLeftOut: true };
      return { dtype: "float64", ...(integers && { floatFromMissing: true }) };
    }
    return undefined;
  }

  /** Categorical or continuous by smclarify's rules (see column-typing.ts), and why. */
  typing(givenValues: readonly unknown[] | undefined): ColumnTyping {
    const evidence = this.evidence();
    if (this.values.overflowed && evidence.dtype === "int64" && !(givenValues && givenValues.length > 1)) {
      return {
        dataType: "continuous",
        why: `integers with more than ${this.values.capacity} distinct values (too many to count; read as >= 5%): continuous`,
        byUniqueness: true,
      };
    }
    return clarifyDataType(evidence, givenValues);
  }

  dataType(givenValues: readonly unknown[] | undefined): DataType {
    return this.typing(givenValues).dataType;
  }

  /**
   * The most frequent values with their row counts, most frequent first, one entry per value as
   * pandas holds it (pandasValues): ` 1`, `+1` and `01` in a column of integers are one entry "1"
   * with their rows summed. None when the column has more distinct values than the dictionary
   * holds: their counts would then depend on where the rows were cut between threads or hosts (a
   * part that filled its dictionary early misses rows of values another part knows), and the count
   * tables must not.
   */
  topValues(limit: number): { value: string; rows: number }[] {
    if (this.values.overflowed) return [];
    const { firstOf, textOf } = this.pandasValues();
    const rows = new Map<number, number>();
    for (let id = 0; id < this.values.size; id++) {
      const first = firstOf(id);
      rows.set(first, (rows.get(first) ?? 0) + (this.rowsOf[id] ?? 0));
    }
    // Equal counts keep the order of first appearance, which the merge of threads and hosts keeps.
    const firsts = [...rows.keys()].sort((x, y) => (rows.get(y) ?? 0) - (rows.get(x) ?? 0) || x - y);
    return firsts.slice(0, limit).map((id) => ({ value: textOf(id), rows: rows.get(id) ?? 0 }));
  }

  /** How many distinct values pandas sees (`nunique()`): spellings of one boolean or number count once. */
  get distinctValues(): number {
    return this.evidence().distinct;
  }

  /**
   * Each value id's value as pandas holds it: `firstOf` the id of the first value equal to it,
   * `textOf` the text pandas prints for it in the column's dtype (`str()` of the value): "True"
   * for `true` in a column of booleans, "1" for ` 01` in one of integers, "1.0" for `1` in one of
   * floats. Text and other declared columns keep their values' texts apart, as pandas does.
   */
  private pandasValues(): { firstOf: (id: number) => number; textOf: (id: number) => string } {
    const truths = this.truthOfIds();
    if (truths) {
      const firstTrue = truths.indexOf(1);
      const firstFalse = truths.indexOf(0);
      return {
        firstOf: (id) => (truths[id] === 1 ? firstTrue : firstFalse),
        textOf: (id) => (truths[id] === 1 ? "True" : "False"),
      };
    }
    const numberGroups = this.numberGroupOfIds();
    const firstOf = (id: number) => numberGroups?.[id] ?? id;
    if (
      !this.allNumeric ||
      this.count === 0 ||
      this.declaredDtype !== undefined ||
      this.heldDtype === "object"
    ) {
      // A declared column's cells are already written as pandas prints them (parquet-cells.ts); a
      // column of numbers that a text in a row left out makes `object` holds its cells as strings.
      return { firstOf, textOf: (id) => this.values.text(id) };
    }
    if (this.evidence().dtype === "int64")
      return { firstOf, textOf: (id) => integerText(this.values.text(id)) };
    return {
      firstOf,
      textOf: (id) => {
        parseNumberInto(this.values.pool, this.values.start(id), this.values.end(id));
        return pythonFloatRepr(numberParse.value);
      },
    };
  }
}

/** The `LEFT_OUT` kind of a non-missing cell, by the grammar the analysed cells are read by. */
function leftOutKind(buf: Uint8Array, start: number, end: number): number {
  parseNumberInto(buf, start, end);
  if (!Number.isNaN(numberParse.value))
    return numberParse.lastWasInteger ? LEFT_OUT.integer : LEFT_OUT.fraction;
  return booleanCell(buf, start, end) === -1 ? LEFT_OUT.text : LEFT_OUT.boolean;
}

/**
 * An integer cell as Python writes the integer pandas reads from it: without the spaces around,
 * a plus sign or leading zeros (` +007` is "7", `-0` is "0").
 */
export function integerText(cell: string): string {
  const trimmed = cell.trim();
  const negative = trimmed.startsWith("-");
  const digits = trimmed.replace(/^[+-]/, "").replace(/^0+(?=\d)/, "");
  return negative && digits !== "0" ? `-${digits}` : digits;
}
