import { INTERVAL_LEVELS } from "../../../contracts/intervals.ts";
import { ALL_METRICS } from "../../../contracts/metric-codes.ts";
import { childPath, isRecord, type Problems, show } from "../problems.ts";
import type { RunDraft } from "../run-input.ts";
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

/**
 * Gates bound bias metrics: with an analysis config that asks only for explanations
 * (methods.shap / methods.pdp) no bias metric is computed, so each gate could never be checked.
 * Refused, naming the gate, rather than passed by omission.
 */
export function checkGatesHaveBias(gates: RunDraft["gates"], config: unknown, problems: Problems): void {
  if (gates === undefined || !isRecord(gates.value) || !isRecord(config) || !isRecord(config.methods)) return;
  const methods = config.methods;
  if (Object.hasOwn(methods, "pre_training_bias") || Object.hasOwn(methods, "post_training_bias")) return;
  const asked = Object.keys(methods).map((name) => `methods.${name}`);
  // An empty methods is its own problem (the parser names it).
  if (asked.length === 0) return;
  for (const code of Object.keys(gates.value)) {
    problems.add(
      childPath(gates.path, code),
      `gate on ${code}, but no bias method runs: the analysis config asks only for ${asked.join(", ")} (no methods.pre_training_bias or methods.post_training_bias), so ${code} is never computed; remove the gate or add a bias method`,
    );
  }
}
