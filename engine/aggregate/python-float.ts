/**
 * Configured values as the Clarify container converts them: it parses the config with Python,
 * and smclarify turns a configured text into a number with Python's `int()` / `float()`, whose
 * grammar differs from JavaScript's `Number()`: `"1_000"` is 1000, `"inf"` infinity, while
 * `"0x10"`, `"0b1"` and `"0o7"` are no numbers.
 */

import type { ConfigFloat, ConfigValue } from "../config/analysis-config.ts";
import { pythonFloatRepr } from "./python-float-repr.ts";

/** Python's `float()` grammar: spaces around, a sign, digits with single `_` between them, `inf`, `nan`. */
const DIGITS = String.raw`\d(?:_?\d)*`;
const PYTHON_FLOAT = new RegExp(
  String.raw`^\s*[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)\s*$`,
  "i",
);

/** Python's `int()` grammar: spaces around, a sign, digits with single `_` between them. */
const PYTHON_INT = new RegExp(String.raw`^\s*[+-]?${DIGITS}\s*$`);

/** Whether Python's `int(text)` reads the text. */
export function pythonIntReads(text: string): boolean {
  return PYTHON_INT.test(text);
}

/** Whether Python's `float(text)` reads the text. */
export function pythonFloatReads(text: string): boolean {
  return PYTHON_FLOAT.test(text);
}

/**
 * A configured value as the number Python's `float()` reads from it (a number stays itself, a
 * config boolean is Python's `True` / `False`, an int subclass: 1 / 0), or NaN when Python reads
 * none (and for `nan`, which equals nothing).
 */
export function pythonFloatValue(value: ConfigValue): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (isConfigFloat(value)) return value.float;
  if (!pythonFloatReads(value)) return Number.NaN;
  const text = value.trim().replaceAll("_", "").toLowerCase();
  const unsigned = text.replace(/^[+-]/, "");
  if (unsigned === "inf" || unsigned === "infinity") return text.startsWith("-") ? -Infinity : Infinity;
  return Number(text);
}

/**
 * A configured value as Python's `str()` writes it, which is how smclarify lists it in
 * analysis.json (`",".join(map(str, values))`) and what it compares a text column's cells with
 * after converting the values to `str`: a config boolean is `True` / `False`.
 */
export function configValueText(value: ConfigValue): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (isConfigFloat(value)) return pythonFloatRepr(value.float);
  return String(value);
}

/** A config float a JavaScript number cannot stand for (`1.0`: ConfigFloat). */
export function isConfigFloat(value: ConfigValue): value is ConfigFloat {
  return typeof value === "object";
}

/** Whether Python holds the configured value as a number (int, float or bool), not as text. */
export function heldAsNumber(value: ConfigValue): value is number | boolean | ConfigFloat {
  return typeof value !== "string";
}

/**
 * Configured values shown in a message as the config spells them: `[1.0, "x"]` (JSON, with a
 * config float in Python's spelling, not as the object that holds it).
 */
export function showConfigValues(values: ConfigValue | readonly ConfigValue[]): string {
  const one = (value: ConfigValue) =>
    isConfigFloat(value) ? pythonFloatRepr(value.float) : JSON.stringify(value);
  return Array.isArray(values) ? `[${values.map(one).join(",")}]` : one(values as ConfigValue);
}

/**
 * Whether Python holds the configured value as an int: a JSON integer, or a config boolean (bool
 * is an int subclass). pandas then keeps a threshold's interval breaks integers on an integer
 * column: `true` on a column of 0 to 9 gives "(1, 9]", as `1` does (threshold-interval.ts).
 */
export function heldAsInt(value: ConfigValue): boolean {
  return typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value));
}
