import { isRecord } from "../../contracts/is-record.ts";
import { show } from "../../contracts/show-value.ts";
import type { ConfigProblem } from "../shared/errors.ts";

export { isRecord, show };

/** Collects every problem of a run input, so users fix them all in one round. */
export class Problems {
  readonly #list: ConfigProblem[] = [];

  /**
   * Control characters (a key or URI with a line break, say) are escaped: each problem
   * stays one line wherever it is printed or split, so input cannot forge other lines.
   */
  add(path: string, message: string): void {
    this.#list.push({ path: oneLine(path), message: oneLine(message) });
  }

  get list(): readonly ConfigProblem[] {
    return this.#list;
  }

  get isEmpty(): boolean {
    return this.#list.length === 0;
  }
}

// C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Escapes control characters as JSON does (`\n`, `\u0085`), so that `text` is one line. */
export function oneLine(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) =>
    c === "\n"
      ? "\\n"
      : c === "\r"
        ? "\\r"
        : c === "\t"
          ? "\\t"
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A value taken from the input, together with the JSON path it was found at. */
export interface Located {
  readonly value: unknown;
  readonly path: string;
}

/** `$.a` + `b` → `$.a.b`; `$.a` + `0` → `$.a[0]`; odd keys are bracket-quoted. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Calls `visit` with every string inside `value` (through objects and arrays), its JSON path
 * and the key it sits under; an array's items keep the array's key.
 */
export function forEachString(
  value: unknown,
  path: string,
  key: string,
  visit: (text: string, path: string, key: string) => void,
): void {
  if (typeof value === "string") {
    visit(value, path, key);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      forEachString(item, childPath(path, index), key, visit);
    });
  } else if (isRecord(value)) {
    for (const [child, item] of Object.entries(value))
      forEachString(item, childPath(path, child), child, visit);
  }
}

/** The field `key` of `parent` located at `parentPath`, or undefined when the key is absent. */
export function locate(parent: unknown, key: string, parentPath: string): Located | undefined {
  if (!isRecord(parent) || !Object.hasOwn(parent, key)) return undefined;
  return { value: parent[key], path: childPath(parentPath, key) };
}

/** Rejects keys of `record` that are not in `known`, one problem per key. */
export function rejectUnknownKeys(
  record: Record<string, unknown>,
  known: readonly string[],
  path: string,
  problems: Problems,
): void {
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) {
      problems.add(childPath(path, key), `unknown key "${key}" (allowed: ${known.join(", ")})`);
    }
  }
}

/** Checks an integer within [min, max]; returns whether it is valid. */
export function checkInteger(
  field: Located,
  min: number,
  max: number,
  problems: Problems,
  what: string,
): boolean {
  const { value, path } = field;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    problems.add(path, `${show(value)} is not an integer; ${what} must be an integer from ${min} to ${max}`);
    return false;
  }
  if (value < min || value > max) {
    problems.add(path, `${value} is out of range; ${what} must be from ${min} to ${max}`);
    return false;
  }
  return true;
}

/** Checks a non-empty string; returns whether it is valid. */
export function checkString(
  field: Located,
  problems: Problems,
  what: string,
): field is Located & { value: string } {
  if (typeof field.value !== "string" || field.value === "") {
    problems.add(field.path, `${show(field.value)} is not a non-empty string; ${what} must be a string`);
    return false;
  }
  return true;
}
