/**
 * Columns holding both text and numbers, matched against configured values. pandas reads such a
 * column as `object` (every cell a string), and smclarify's `_categorical_data_idx` compares
 * its cells with the configured values as they are, and only when no cell equals one, with the
 * values converted to the column's element type (`str`): a cell `1` then equals configured `1`,
 * a cell `1.0` never does. smclarify converts only when the first value is not a text already,
 * so `["True", 1]` on cells `1` matches nothing. The count pass compares numbers only while the column has held
 * numbers only (a reading per value id, cell-reading.ts), so a cell `1.0` before the column's
 * first text cell counts as a match and after it does not, and runs counted apart (threads,
 * instances) each start fresh. Which columns are mixed is known only once every row is
 * counted: such a column is counted again with text matching (`textPlan`). A Parquet string
 * column of numbers is read as strings by pandas too: its cells compare as text alike. So are
 * true/false cells beside other text (the count pass matches them as 1 and 0, as pandas does
 * in a column of booleans alone: value-matcher.ts).
 */
import type { ConfigValue } from "../config/analysis-config.ts";
import { EngineInputError } from "../errors.ts";
import type { CollectedCounts, CountPlan } from "./collect-counts.ts";
import type { ColumnProfile } from "./column-profile.ts";
import { showConfigValues } from "./python-float.ts";
import { type MatchedRole, type RoleColumns, roleColumn } from "./role-column.ts";
import { twoStepReading } from "./two-step-matching.ts";
import { ValueMatcher } from "./value-matcher.ts";

export type { MatchedRole } from "./role-column.ts";

/** The matchers of the columns the count pass matched against configured values. */
export interface ColumnMatchers {
  readonly label: ValueMatcher;
  readonly predicted?: ValueMatcher;
  readonly facets: readonly (ValueMatcher | undefined)[];
}

export interface MixedColumn {
  readonly role: MatchedRole;
  /**
   * Why the counts differ: "text" for a column of text and numbers; "two-steps" when
   * smclarify's two comparison steps read a column of numbers or booleans otherwise than the
   * count pass (two-step-matching.ts).
   */
  readonly cause: "text" | "two-steps";
  /** The values a text reading compares: smclarify's two steps, decided over the whole column. */
  readonly textValues: readonly ConfigValue[];
  /** A distinct cell the count pass may have read otherwise, and the configured value it equals as a number; absent when the column had too many values to tell. */
  readonly example?: { readonly cell: string; readonly configured: ConfigValue };
}

export function matchersOf(plan: CountPlan): ColumnMatchers {
  return {
    label: plan.label.matcher,
    ...(plan.predicted && { predicted: plan.predicted.matcher }),
    facets: plan.facets.map((facet) => facet.matcher),
  };
}

/** The matched columns whose counts are not what the whole column means; none for a usual dataset. */
export function mixedColumns(
  matchers: ColumnMatchers,
  counts: CollectedCounts,
  names: RoleColumns,
): MixedColumn[] {
  const columns: (MixedColumn | undefined)[] = [
    matchedColumn("label", matchers.label, counts.label, names),
    ...(matchers.predicted && counts.predicted
      ? [matchedColumn("predicted_label", matchers.predicted, counts.predicted, names)]
      : []),
    ...matchers.facets.map((matcher, i) => {
      const facet = counts.facets[i];
      return matcher && facet ? matchedColumn(`facet:${i}`, matcher, facet.profile, names) : undefined;
    }),
  ];
  return columns.filter((column): column is MixedColumn => column !== undefined);
}

/** A column of text and numbers, else one smclarify's two comparison steps read otherwise. */
function matchedColumn(
  role: MatchedRole,
  matcher: ValueMatcher,
  profile: ColumnProfile,
  names: RoleColumns,
): MixedColumn | undefined {
  const mixed = mixedColumn(role, matcher, profile);
  if (mixed) return mixed;
  const reading = twoStepReading(matcher, profile);
  if (reading === undefined) return undefined;
  const { column, field } = roleColumn(names, role);
  if ("unconvertible" in reading) {
    throw new EngineInputError(
      `${field} ${reading.unconvertible.shown}: no configured value equals a cell of ${column} as it is (a text or a config true equals no number), so Clarify converts the values to numbers (${reading.dtype}) and stops on ${reading.unconvertible.shown}, ${reading.unconvertible.why}; give values that occur in the column`,
    );
  }
  if ("unknownCells" in reading) {
    throw new EngineInputError(
      `${field} ${showConfigValues(matcher.values)}: ${column} has more than ${profile.values.capacity} distinct values, too many to compare with these values the way Clarify does (value by value, in two steps, where a text or true/false equals no number until no row matches and a fraction is then cut to an integer); configure numbers of the column's own kind`,
    );
  }
  return { role, cause: "two-steps", textValues: reading.matched, example: reading.example };
}

function mixedColumn(
  role: MatchedRole,
  matcher: ValueMatcher,
  profile: ColumnProfile,
): MixedColumn | undefined {
  if (matcher.matching === "text" || !holdsStrings(profile, matcher) || profile.count === 0) return undefined;
  const values = profile.values;
  const ids = Array.from({ length: values.size }, (_, id) => id);
  const matchesId = (m: ValueMatcher, id: number) => m.matches(values.pool, values.start(id), values.end(id));
  // Step one compares the configured values as they are: only the text ones can equal a string.
  const texts = matcher.values.filter((value) => typeof value === "string");
  const textsMatch = texts.length > 0 && ids.some((id) => matchesId(new ValueMatcher(texts, "text"), id));
  // Step two converts the values with str() unless the first one is already a text
  // (`isinstance(values[0], type(series[0]))`): then they stay as they are, and match nothing.
  const converted = typeof matcher.values[0] !== "string";
  const textValues = textsMatch || !converted ? texts : matcher.values;
  const reading = new ValueMatcher(textValues, "text");
  for (const id of ids) {
    if (matchesId(matcher, id) === matchesId(reading, id)) continue;
    const cell = values.text(id);
    const configured =
      matcher.values.find((value) =>
        new ValueMatcher([value]).matches(values.pool, values.start(id), values.end(id)),
      ) ?? (matcher.values[0] as ConfigValue);
    return { role, cause: "text", textValues, example: { cell, configured } };
  }
  // Values beyond the dictionary's capacity are unknown: any of them may equal a value as a number.
  if (values.overflowed && matcher.comparesNumbers) return { role, cause: "text", textValues };
  return undefined;
}

/**
 * Whether pandas holds the column's cells as strings: it has text (CSV, JSON Lines), or the file
 * declares it a string column (`object`: a Parquet string column, a JSON Lines column of
 * strings) or a category (Parquet declares one for strings only) although its cells are numbers,
 * or a text in a row left out makes it strings (`ColumnProfile.heldDtype`); and the configured
 * values are matched (categorical), not a threshold. Call after the declared
 * dtypes are set on the profiles (bias-result.ts `declareDtypes`).
 */
function holdsStrings(profile: ColumnProfile, matcher: ValueMatcher): boolean {
  // True/false cells alone are Python booleans to pandas (1 and 0), not strings.
  if (!profile.allNumeric) return !profile.holdsBooleans;
  const declared = profile.heldDtype;
  return (
    (declared === "object" || declared === "category") && profile.dataType(matcher.values) === "categorical"
  );
}

/** The plan with the mixed columns matched as text (their counts then depend on no row order). */
export function textPlan(plan: CountPlan, mixed: readonly MixedColumn[]): CountPlan {
  const textOf = (role: MatchedRole, matcher: ValueMatcher): ValueMatcher => {
    const column = mixed.find((m) => m.role === role);
    return column ? new ValueMatcher(column.textValues, "text") : matcher;
  };
  return {
    ...plan,
    label: { ...plan.label, matcher: textOf("label", plan.label.matcher) },
    ...(plan.predicted && {
      predicted: { ...plan.predicted, matcher: textOf("predicted_label", plan.predicted.matcher) },
    }),
    facets: plan.facets.map((facet, i) =>
      facet.matcher ? { ...facet, matcher: textOf(`facet:${i}`, facet.matcher) } : facet,
    ),
  };
}
