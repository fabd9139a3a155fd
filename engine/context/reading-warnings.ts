/**
 * The warnings of the analysis context: where Clarify's reading of the config is surprising
 * or leaves the metrics meaningless. Each says how Clarify reads the config and what to write
 * instead; `failsGates` marks the readings on which no gate may pass.
 */
import type { AnalysisWarning } from "../../contracts/analysis-context.ts";
import type { ColumnTyping } from "../aggregate/column-typing.ts";
import { configValueText, pythonFloatValue, showConfigValues } from "../aggregate/python-float.ts";
import { namedColumn, quotedColumn } from "../aggregate/role-column.ts";
import type { ConfigValue } from "../config/analysis-config.ts";
import { type ValueCount, valuesThatOccur } from "./values-that-occur.ts";

/** What the engine knows about a column when a warning must describe it. */
export interface ColumnFacts {
  /** namedColumn's `label column "y"`, `facet column "sex"`. */
  readonly what: string;
  readonly typing: ColumnTyping;
  readonly max: number;
  readonly allInteger: boolean;
  readonly topValues: readonly ValueCount[];
  readonly distinct: number;
}

/** No analysed row has a positive label: every label metric compares zeros. */
export function labelNoPositive(
  key: string,
  values: readonly ConfigValue[],
  label: ColumnFacts,
): AnalysisWarning {
  const given = `${key} ${showConfigValues(values)}`;
  const message =
    label.typing.dataType === "continuous"
      ? `${given}: Clarify reads ${label.what} as continuous (${label.typing.why}), so ${configValueText(values[0] as ConfigValue)} is a threshold and a row is positive when its label is above it; no row is (the largest label is ${label.max}), so every metric compares zero positives. ${thresholdAdvice(pythonFloatValue(values[0] as ConfigValue), label)}`
      : `${given}: no row of ${label.what} has that value, so every metric compares zero positives; ${valuesThatOccur(values, label.topValues, label.distinct)}`;
  return { code: "LABEL_NO_POSITIVE", message, failsGates: true };
}

/** A single value that occurs in an integer column Clarify types as continuous by the 5% rule. */
export function readAsThreshold(
  code: "LABEL_READ_AS_THRESHOLD" | "FACET_READ_AS_THRESHOLD",
  key: string,
  value: ConfigValue,
  column: ColumnFacts,
  scope: { facet?: string; valueOrThreshold?: string } = {},
): AnalysisWarning {
  const side = code === "LABEL_READ_AS_THRESHOLD" ? "positive" : "in the facet group";
  return {
    code,
    message: `${key} [${showConfigValues(value)}]: Clarify reads ${column.what} as continuous (${column.typing.why}), so ${configValueText(value)} is a threshold: a row is ${side} when its value is above ${configValueText(value)}, not equal to it. ${equalAdvice(pythonFloatValue(value), column)}`,
    ...scope,
    failsGates: false,
  };
}

/** A facet value or threshold that no analysed row falls in. */
export function emptyFacetGroup(
  facetName: string,
  valueOrThreshold: string,
  given: readonly ConfigValue[],
  facet: ColumnFacts,
): AnalysisWarning {
  const shown = showConfigValues(given);
  const message =
    facet.typing.dataType === "continuous"
      ? `facet ${quotedColumn(facetName)} value_or_threshold ${shown}: Clarify reads the facet as continuous (${facet.typing.why}), so ${configValueText(given[0] as ConfigValue)} is a threshold and the facet group is the rows above it; no row is (the largest value is ${facet.max}), so its metrics are empty or meaningless. ${thresholdAdvice(pythonFloatValue(given[0] as ConfigValue), facet)}`
      : `facet ${quotedColumn(facetName)} value_or_threshold ${shown} matches no row, so its metrics are empty or meaningless; ${valuesThatOccur(given, facet.topValues, facet.distinct)}`;
  return { code: "EMPTY_FACET_GROUP", message, facet: facetName, valueOrThreshold, failsGates: true };
}

/** Every analysed row is in the facet group: nothing to compare it with. */
export function emptyOthersGroup(facetName: string, valueOrThreshold: string): AnalysisWarning {
  return {
    code: "EMPTY_OTHERS_GROUP",
    message: `facet ${quotedColumn(facetName)} value_or_threshold ${JSON.stringify(valueOrThreshold)} holds every analysed row, so there are no other rows to compare it with and its metrics are empty or meaningless; give a value or threshold that leaves some rows out`,
    facet: facetName,
    valueOrThreshold,
    failsGates: true,
  };
}

/** Integers with a missing cell: pandas reads floats, Clarify then a continuous column. */
export function floatFromMissing(column: ColumnFacts, missing: number): AnalysisWarning {
  return {
    code: "INTEGERS_READ_AS_FLOATS",
    message: `${column.what} holds integers and ${missing} missing ${missing === 1 ? "cell" : "cells"}: pandas reads such a column as floats, so Clarify types it continuous and reads a single configured value as a threshold. Fill or remove the missing cells to have it typed by its distinct values.`,
    failsGates: false,
  };
}

function thresholdAdvice(threshold: number, column: ColumnFacts): string {
  if (
    column.allInteger &&
    Number.isFinite(column.max) &&
    Number.isInteger(threshold) &&
    threshold === column.max
  ) {
    return `To count the rows equal to ${threshold}, write the threshold [${threshold - 1}] (above ${threshold - 1}).`;
  }
  return `Give a threshold below ${column.max}.`;
}

function equalAdvice(value: number, column: ColumnFacts): string {
  if (column.allInteger && Number.isInteger(value) && value === column.max) {
    return `To compare the rows equal to ${value}, write the threshold [${value - 1}] (above ${value - 1} is ${value} here), or [${value}, ${value}] (a list of more than one value is read as categories).`;
  }
  return `To compare the rows equal to ${value}, write [${value}, ${value}]: Clarify reads a list of more than one value as categories.`;
}

/**
 * Float predictions of an integer label: Clarify casts them to the label's dtype (toward zero)
 * before the threshold, so a prediction above it may count as not above (predicted-cast.ts).
 */
export function predictedLabelCast(
  predicted: string,
  label: string,
  dtype: string,
  threshold: number,
  example: { readonly cell: string; readonly cast: number } | undefined,
): AnalysisWarning {
  const shown = example
    ? `, so the prediction ${example.cell} counts as ${example.cast}, ${example.cast > threshold ? "above" : "not above"} ${threshold}`
    : "";
  return {
    code: "PREDICTED_LABEL_CAST",
    message: `${namedColumn("predicted label", predicted)} holds floats and ${namedColumn("label", label)} integers: Clarify casts the predictions to the label's ${dtype} (toward zero) before comparing them with the threshold ${threshold}${shown}. Write the predicted labels as the integers the model means (rounded as it rounds), or give probability_threshold for scores.`,
    failsGates: false,
  };
}
