/**
 * Checks one metric value against its gate, for display: which bounds it breaks, and the
 * interval the gate allows.
 */
import type { Gate, Gates } from "../../lambdas/shared/contracts.ts";

export type GateStatus = "passed" | "breached" | "not-evaluated" | "no-gate";

export interface GateCheck {
  readonly status: GateStatus;
  /** One line per broken bound, e.g. `|-0.31| > absMax 0.2`. */
  readonly breaches: readonly string[];
}

/** The gate of one metric code; only the gates' own keys count (`constructor` names no gate). */
export function gateFor(gates: Gates, code: string): Gate | undefined {
  return Object.hasOwn(gates, code) ? gates[code] : undefined;
}

/** The [low, high] interval a gate allows; infinite where it sets no bound. */
export function allowedInterval(gate: Gate): { readonly low: number; readonly high: number } {
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  if (gate.absMax !== undefined) {
    low = -gate.absMax;
    high = gate.absMax;
  }
  if (gate.min !== undefined) low = Math.max(low, gate.min);
  if (gate.max !== undefined) high = Math.min(high, gate.max);
  return { low, high };
}

/** A metric without a value cannot pass or fail its gate: it is shown as not evaluated. */
export function checkGate(value: number | null, gate: Gate | undefined): GateCheck {
  if (gate === undefined) return { status: "no-gate", breaches: [] };
  if (value === null) return { status: "not-evaluated", breaches: [] };
  const breaches: string[] = [];
  if (gate.absMax !== undefined && !(Math.abs(value) <= gate.absMax)) {
    breaches.push(`|${value}| > absMax ${gate.absMax}`);
  }
  if (gate.min !== undefined && !(value >= gate.min)) breaches.push(`${value} < min ${gate.min}`);
  if (gate.max !== undefined && !(value <= gate.max)) breaches.push(`${value} > max ${gate.max}`);
  return { status: breaches.length > 0 ? "breached" : "passed", breaches };
}
