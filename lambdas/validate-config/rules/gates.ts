import { INTERVAL_LEVELS } from "../../../contracts/intervals.ts";
import { ALL_METRICS } from "../../shared/metric-codes.ts";
import { childPath, isRecord, show } from "../problems.ts";
import type { Rule } from "./context.ts";

const BOUNDS = ["absMax", "min", "max", "maxDrift"] as const;
/** Keys of a gate: its bounds, and `confidence`, which changes how they are checked. */
const GATE_KEYS = [...BOUNDS, "confidence"] as const;
/** Bounds that limit a size, so cannot be negative. */
const NON_NEGATIVE: ReadonlySet<string> = new Set(["absMax", "maxDrift"]);

/** Gates are keyed by a known Clarify metric code and hold at least one finite numeric bound. */
export const checkGates: Rule = (draft, _context, problems) => {
  const field = draft.gates;
  if (!field) return;
  if (!isRecord(field.value)) {
    problems.add(
      field.path,
      `${show(field.value)} is not an object; gates must map metric codes to { absMax, min, max, maxDrift, confidence }`,
    );
    return;
  }
  for (const [code, gate] of Object.entries(field.value)) {
    const path = childPath(field.path, code);
    if (!ALL_METRICS.includes(code)) {
      problems.add(path, `"${code}" is not a Clarify bias metric code (known: ${ALL_METRICS.join(", ")})`);
      continue;
    }
    if (!isRecord(gate)) {
      problems.add(path, `${show(gate)} is not an object; a gate is { "absMax"?: n, "min"?: n, "max"?: n }`);
      continue;
    }
    const present = BOUNDS.filter((bound) => Object.hasOwn(gate, bound));
    for (const key of Object.keys(gate)) {
      if (!(GATE_KEYS as readonly string[]).includes(key)) {
        problems.add(childPath(path, key), `unknown gate bound "${key}" (allowed: ${GATE_KEYS.join(", ")})`);
      }
    }
    if (present.length === 0) {
      problems.add(path, `gate for ${code} has no bound; give absMax, min, max or maxDrift`);
    }
    for (const bound of present) {
      const value = gate[bound];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        problems.add(
          childPath(path, bound),
          `${show(value)} is not a finite number; gate bounds must be numbers`,
        );
      } else if (NON_NEGATIVE.has(bound) && value < 0) {
        const what =
          bound === "absMax" ? "absMax bounds |value|" : "maxDrift bounds how much worse than the baseline";
        problems.add(childPath(path, bound), `${value} is negative; ${what} and must be >= 0`);
      }
    }
    if (typeof gate.min === "number" && typeof gate.max === "number" && gate.min > gate.max) {
      problems.add(path, `min ${gate.min} is greater than max ${gate.max}; no value could pass`);
    }
    if (
      Object.hasOwn(gate, "confidence") &&
      !(INTERVAL_LEVELS as readonly unknown[]).includes(gate.confidence)
    ) {
      problems.add(
        childPath(path, "confidence"),
        `${show(gate.confidence)} is not an interval level; confidence must be one of ${INTERVAL_LEVELS.join(", ")}`,
      );
    }
    if (Object.hasOwn(gate, "maxDrift") && draft.baseline === undefined) {
      problems.add(
        childPath(path, "maxDrift"),
        `maxDrift compares with a baseline, but the run has none; add "baseline": { "latest": "passed" } or { "analysisUri": ... }`,
      );
    }
  }
};
