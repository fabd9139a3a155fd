import { pythonFloatRepr } from "../aggregate/python-float-repr.ts";

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

/** Python's `str` of a number written as a float, where it differs from JavaScript's: `1.0`, `1e+20`. */
export function pythonFloatText(value: number, writtenFloat: boolean): string | number {
  return writtenFloat && String(value) !== pythonFloatRepr(value) ? pythonFloatRepr(value) : value;
}

/**
 * The config with its label and facet values written as floats turned into Python's text of
 * them, which the config parser reads exactly as it reads those floats (parse-analysis-config.ts):
 * for a copy that travels as plain JSON (a host's partial counts), where the float spelling
 * would otherwise be lost.
 */
export function withPythonFloatsAsText(raw: Record<string, unknown>): Record<string, unknown> {
  const values = (container: object, key: string | number, value: unknown): unknown => {
    // A lone threshold number is read as the list of it; its text must be in a list.
    if (typeof value === "number") {
      const text = pythonFloatText(value, writtenAsFloat(container, key));
      return typeof text === "string" ? [text] : value;
    }
    if (!Array.isArray(value)) return value;
    return value.map((item, i) =>
      typeof item === "number" ? pythonFloatText(item, writtenAsFloat(value, i)) : item,
    );
  };
  const copy: Record<string, unknown> = { ...raw };
  if ("label_values_or_threshold" in raw) {
    copy.label_values_or_threshold = values(raw, "label_values_or_threshold", raw.label_values_or_threshold);
  }
  if (Array.isArray(raw.facet)) {
    copy.facet = raw.facet.map((facet: unknown) =>
      typeof facet === "object" && facet !== null && !Array.isArray(facet) && "value_or_threshold" in facet
        ? {
            ...facet,
            value_or_threshold: values(
              facet,
              "value_or_threshold",
              (facet as Record<string, unknown>).value_or_threshold,
            ),
          }
        : facet,
    );
  }
  return copy;
}
