import { ALL_METRICS } from "../../shared/metric-codes.ts";
import { childPath, isRecord, show } from "../problems.ts";
import type { Rule } from "./context.ts";

const BOUNDS = ["absMax", "min", "max"] as const;

/** Gates are keyed by a known Clarify metric code and hold at least one finite numeric bound. */
export const checkGates: Rule = (draft, _context, problems) => {
  const field = draft.gates;
  if (!field) return;
  if (!isRecord(field.value)) {
    problems.add(
      field.path,
      `${show(field.value)} is not an object; gates must map metric codes to { absMax, min, max }`,
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
      if (!(BOUNDS as readonly string[]).includes(key)) {
        problems.add(childPath(path, key), `unknown gate bound "${key}" (allowed: ${BOUNDS.join(", ")})`);
      }
    }
    if (present.length === 0) problems.add(path, `gate for ${code} has no bound; give absMax, min or max`);
    for (const bound of present) {
      const value = gate[bound];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        problems.add(
          childPath(path, bound),
          `${show(value)} is not a finite number; gate bounds must be numbers`,
        );
      } else if (bound === "absMax" && value < 0) {
        problems.add(childPath(path, bound), `${value} is negative; absMax bounds |value| and must be >= 0`);
      }
    }
    if (typeof gate.min === "number" && typeof gate.max === "number" && gate.min > gate.max) {
      problems.add(path, `min ${gate.min} is greater than max ${gate.max}; no value could pass`);
    }
  }
};
