import { closeSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { pythonFloatRepr } from "../aggregate/python-float-repr.ts";
import { EngineInputError } from "../errors.ts";
import { dtypeOfKinds, KIND_BOOLEAN, KIND_NULL, KIND_NUMBER, KIND_TEXT } from "./jsonlines-kinds.ts";
import type { ReadMeter } from "./read-meter.ts";
import type { RowReader } from "./row-reader.ts";

/**
 * Reads SageMaker JSON Lines records (`{"features": [...], "label": 1}` per line) and exposes
 * each as a row: the feature array's items, then the value at each extra path (label,
 * predicted label). Paths are dotted JMESPath-like keys (`data.features`).
 */
export class JsonLinesReader implements RowReader {
  private readonly path: string;
  private fd: number | undefined;
  private readonly chunk = Buffer.allocUnsafe(1 << 20);
  private pending = "";
  private lines: string[] = [];
  private lineIndex = 0;
  private lineNumber = 0;
  private eof = false;
  private values: string[] = [];
  /** Per field of the current row, whether it was a JSON null (the empty cell, as a string "" is). */
  private nulls: boolean[] = [];
  private readonly encoded: Buffer[] = [];
  /** Per column, the kinds of JSON value its cells held so far (jsonlines-kinds.ts). */
  private readonly kinds: number[] = [];
  fieldCount = 0;
  viewBuf: Uint8Array = Buffer.alloc(0);
  viewStart = 0;
  viewEnd = 0;

  /** Bytes read so far, and who is told of each chunk (the count pass's progress). */
  private bytesRead = 0;
  private meter: ReadMeter | undefined;
  private readonly featuresPath: string | undefined;
  private readonly extraPaths: readonly string[];

  constructor(path: string, featuresPath: string | undefined, extraPaths: readonly string[]) {
    this.path = path;
    this.featuresPath = featuresPath;
    this.extraPaths = extraPaths;
    this.fd = openSync(path, "r");
  }

  meterReads(meter: ReadMeter): void {
    this.meter = meter;
    if (this.bytesRead > 0) meter.read(this.bytesRead);
  }

  location(): string {
    return `${basename(this.path)} line ${this.lineNumber}`;
  }

  next(): boolean {
    for (;;) {
      const line = this.nextLine();
      if (line === undefined) return false;
      if (line.trim() === "") continue;
      let record: unknown;
      try {
        record = parseRecord(line);
      } catch (error) {
        throw new EngineInputError(`${this.location()}: not a JSON record (${(error as Error).message})`);
      }
      const values: string[] = [];
      this.nulls = [];
      if (this.featuresPath !== undefined) {
        const features = valueAt(record, this.featuresPath);
        if (!Array.isArray(features)) {
          throw new EngineInputError(
            `${this.location()}: "${this.featuresPath}" is not an array of features`,
          );
        }
        for (const feature of features) this.push(values, feature);
      }
      for (const extra of this.extraPaths) {
        const value = valueAt(record, extra);
        if (value === undefined)
          throw new EngineInputError(`${this.location()}: the record has no "${extra}"`);
        this.push(values, value);
      }
      this.values = values;
      this.fieldCount = values.length;
      this.encoded.length = 0;
      return true;
    }
  }

  /**
   * The pandas dtype of each column over the records read so far, from the kinds of JSON value
   * its cells held: a column of JSON strings is `object` whatever the strings spell ("true", "01"),
   * a column of JSON booleans `bool` (with a null, an object column of booleans); a column of
   * numbers is typed from the numbers' text (`JSON_NUMBERS`).
   */
  dtypes(): (string | undefined)[] {
    return this.kinds.map(dtypeOfKinds);
  }

  /** Appends a value's cell text to the row and notes its kind for its column. */
  private push(values: string[], value: unknown): void {
    const column = values.length;
    const kind = kindOf(value);
    this.kinds[column] = (this.kinds[column] ?? 0) | kind;
    this.nulls[column] = kind === KIND_NULL;
    values.push(cellText(value));
  }

  /** Only a JSON null is missing: a JSON string is a value whatever it spells ("", "NA"). */
  isMissingField(field: number): boolean {
    return this.nulls[field] === true;
  }

  view(field: number): void {
    let bytes = this.encoded[field];
    if (bytes === undefined) {
      bytes = Buffer.from(this.values[field] ?? "", "utf8");
      this.encoded[field] = bytes;
    }
    this.viewBuf = bytes;
    this.viewStart = 0;
    this.viewEnd = bytes.length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private nextLine(): string | undefined {
    while (this.lineIndex >= this.lines.length) {
      if (this.eof) return undefined;
      const n = this.fd === undefined ? 0 : readSync(this.fd, this.chunk, 0, this.chunk.length, null);
      if (n === 0) {
        this.eof = true;
        this.lines = this.pending === "" ? [] : [this.pending];
        this.pending = "";
      } else {
        this.bytesRead += n;
        this.meter?.read(n);
        const parts = (this.pending + this.chunk.toString("utf8", 0, n)).split("\n");
        this.pending = parts.pop() ?? "";
        this.lines = parts;
      }
      this.lineIndex = 0;
    }
    this.lineNumber++;
    return this.lines[this.lineIndex++];
  }
}

/** The value at a dotted path; `[n]` steps index arrays. */
function valueAt(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const step of path.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(step);
    if (!match) return undefined;
    if (match[1]) {
      if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[match[1]];
    }
    for (const index of (match[2] ?? "").match(/\d+/g) ?? []) {
      if (!Array.isArray(current)) return undefined;
      current = current[Number(index)];
    }
  }
  return current;
}

/**
 * A number whose text JavaScript's JSON.parse loses: an integral float (`1.0`, `2.00`, `1e5`;
 * Python's json reads a float, so pandas types its column float64, where `1` would be int64),
 * `-0`, or an integer of 16 digits or more, which a double may not hold exactly. It may match
 * inside a string too; that only costs the slower parse.
 */
const NUMBER_TEXT_AT_RISK = /[0-9]\.0*(?![0-9])|[0-9][eE]|-0(?![.0-9])|[0-9]{16}/;

/**
 * One record, its numbers as the text of the value Python's json module reads (the Clarify
 * container parses the records with Python): a JSON number with a fraction or an exponent is a
 * Python float, written as `repr` writes it (`1.0`, `100000.0` for `1e5`, `inf` for `1E400`);
 * any other is a Python int, written with all its digits. Only a line holding a number whose text
 * JSON.parse loses is parsed with the reviver that reads each number's source (about twice the
 * time); the other numbers' values say which they are (`cellText`).
 */
function parseRecord(line: string): unknown {
  if (!NUMBER_TEXT_AT_RISK.test(line)) return JSON.parse(line);
  return JSON.parse(line, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === "number" && context?.source !== undefined
      ? new PythonNumber(pythonNumberText(context.source, value))
      : value,
  );
}

/** A JSON number read through the reviver: the text of the value Python reads, kept apart from a JSON string. */
class PythonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toJSON(): string {
    return this.text;
  }
}

function pythonNumberText(source: string, value: number): string {
  if (/[.eE]/.test(source)) return pythonFloatRepr(value);
  return BigInt(source).toString();
}

/** A JSON value as the text a CSV cell would hold (null is the empty cell; `isMissingField` tells it from a string ""). */
function cellText(value: unknown): string {
  if (value === null) return "";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value instanceof PythonNumber) return value.text;
  if (typeof value === "object") return JSON.stringify(value);
  // A number here was parsed without the reviver: an integral one was written as an integer
  // (an integral float sends its line through the reviver), any other is a Python float.
  if (typeof value === "number" && !Number.isInteger(value)) return pythonFloatRepr(value);
  return String(value);
}

/**
 * The kind of a JSON value, for its column's dtype. A string is text whatever it spells: `""` and
 * `"NA"` are Python strings, values pandas keeps in an `object` column.
 */
function kindOf(value: unknown): number {
  if (value === null) return KIND_NULL;
  if (typeof value === "boolean") return KIND_BOOLEAN;
  if (typeof value === "number" || value instanceof PythonNumber) return KIND_NUMBER;
  return KIND_TEXT;
}
