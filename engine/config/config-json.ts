import { pythonFloatRepr } from "../aggregate/python-float-repr.ts";
import type { ConfigFloat } from "./analysis-config.ts";

/**
 * Reads analysis_config.json keeping one fact JSON.parse drops: whether a number was written as
 * a float (`1.0`, `1e2`) or an integer (`1`). The Clarify container parses the config with
 * Python, where `1.0` is a float and `1` an int, and smclarify writes and compares the two
 * differently: the facet value `1.0` is listed as "1.0", matches the text cell `1.0` (not `1`) of
 * a column holding text, and a threshold of `0.0` makes pandas' interval breaks floats,
 * "(0.0, 3.0]" where `0` gives "(0, 3]". The parsed object is plain JSON (what is stored or sent
 * on is unchanged); `writtenAsFloat` answers for its arrays and objects.
 */

const floatLiterals = new WeakMap<object, Set<string>>();

/** JSON.parse, remembering which numbers were written with a fraction or an exponent. */
export function parseConfigJson(text: string): unknown {
  return JSON.parse(
    text,
    function (this: object, key: string, value: unknown, context?: { source?: string }) {
      const source = context?.source;
      if (typeof value === "number" && source !== undefined && /[.eE]/.test(source)) {
        const keys = floatLiterals.get(this) ?? new Set<string>();
        keys.add(key);
        floatLiterals.set(this, keys);
      }
      return value;
    },
  );
}

/** Whether `container[key]` is a number written as a float in text read by `parseConfigJson`. */
export function writtenAsFloat(container: object, key: string | number): boolean {
  return floatLiterals.get(container)?.has(String(key)) ?? false;
}

/**
 * A configured number as Python holds it: a number written as a float that JavaScript's number
 * cannot stand for (`1.0`, `1e20`) is a ConfigFloat, any other number stays itself.
 */
export function configNumber(value: number, writtenFloat: boolean): number | ConfigFloat {
  return writtenFloat && String(value) !== pythonFloatRepr(value) ? { float: value } : value;
}

/**
 * Where the label and facet values hold numbers written as floats, as paths for the plain JSON
 * copy of the config a host's partial counts carry, where the spelling would otherwise be lost:
 * "label_values_or_threshold" (a lone threshold), "label_values_or_threshold[0]",
 * "facet[1].value_or_threshold[0]".
 */
export function configFloatPaths(raw: Record<string, unknown>): string[] {
  const paths: string[] = [];
  const collect = (container: object, key: string | number, path: string) => {
    const value = (container as Record<string | number, unknown>)[key];
    if (typeof value === "number" && writtenAsFloat(container, key)) paths.push(path);
    if (!Array.isArray(value)) return;
    value.forEach((item, i) => {
      if (typeof item === "number" && writtenAsFloat(value, i)) paths.push(`${path}[${i}]`);
    });
  };
  collect(raw, "label_values_or_threshold", "label_values_or_threshold");
  if (Array.isArray(raw.facet)) {
    raw.facet.forEach((facet: unknown, f) => {
      if (typeof facet === "object" && facet !== null)
        collect(facet, "value_or_threshold", `facet[${f}].value_or_threshold`);
    });
  }
  return paths;
}

/** A path of configFloatPaths as the container and key it names, or undefined when it names no number. */
export function configFloatAt(
  raw: Record<string, unknown>,
  path: string,
): [object, string | number] | undefined {
  const match = /^(?:label_values_or_threshold|facet\[(\d+)\]\.value_or_threshold)(?:\[(\d+)\])?$/.exec(path);
  if (match === null) return undefined;
  const [, facet, item] = match;
  let container: unknown = raw;
  let key: string | number = "label_values_or_threshold";
  if (facet !== undefined) {
    container = Array.isArray(raw.facet) ? raw.facet[Number(facet)] : undefined;
    key = "value_or_threshold";
  }
  if (item !== undefined) {
    container =
      typeof container === "object" && container !== null
        ? (container as Record<string, unknown>)[key]
        : undefined;
    key = Number(item);
  }
  if (typeof container !== "object" || container === null) return undefined;
  return typeof (container as Record<string | number, unknown>)[key] === "number"
    ? [container, key]
    : undefined;
}

/**
 * A copy of the plain JSON config whose numbers at `paths` (configFloatPaths) read as written as
 * floats again, for the config parser: the merge of several hosts' counts reads the config so.
 */
export function withConfigFloats(
  raw: Record<string, unknown>,
  paths: readonly string[],
): Record<string, unknown> {
  const copy = structuredClone(raw);
  for (const path of paths) {
    const at = configFloatAt(copy, path);
    if (at === undefined) continue;
    const [container, key] = at;
    const keys = floatLiterals.get(container) ?? new Set<string>();
    keys.add(String(key));
    floatLiterals.set(container, keys);
  }
  return copy;
}
