import type { ConfigValue } from "../config/analysis-config.ts";
import { EngineInputError } from "../errors.ts";
import type { Confusion, FacetSplitCounts } from "../metrics/counts.ts";
import type { FacetCounts } from "./collect-counts.ts";
import type { ColumnProfile } from "./column-profile.ts";
import type { ColumnTyping } from "./column-typing.ts";
import { configValueText, pythonFloatValue } from "./python-float.ts";
import { namedColumn, quotedColumn } from "./role-column.ts";
import { configuredThresholdInterval } from "./threshold-interval.ts";

/** Which bit of a label/predicted code means "positive": 1 categorical reading, 2 threshold reading. */
export type PositiveBit = 1 | 2;

/** One facet split as it will appear in analysis.json. */
export interface FacetSplit {
  readonly valueOrThreshold: string;
  readonly counts: FacetSplitCounts;
  /** Whether a facet key belongs to the sensitive side (for the Flip Test's row split). */
  readonly isSensitive: (key: number) => boolean;
}

/**
 * Turns a facet's slot counts into the splits Clarify reports: the configured sensitive values
 * (categorical), every value in order of appearance (categorical, no values given), or the
 * values above the threshold, written as the interval `(threshold, max]` (continuous).
 */
export function buildFacetSplits(
  facetName: string,
  counts: FacetCounts,
  typing: Pick<ColumnTyping, "dataType" | "why">,
  givenValues: readonly ConfigValue[] | undefined,
  labelBit: PositiveBit,
  predictedBit: PositiveBit,
  groups: ColumnProfile | undefined,
): FacetSplit[] {
  const groupOf = groupIndexes(groups);
  const split = (valueOrThreshold: string, isSensitive: (key: number) => boolean): FacetSplit => ({
    valueOrThreshold,
    counts: splitCounts(counts, isSensitive, labelBit, predictedBit, groupOf),
    isSensitive,
  });
  if (typing.dataType === "continuous") {
    // smclarify: "Facet/label value provided must be a single numeric threshold for continuous data".
    const read = `Clarify reads the ${namedColumn("facet", facetName)} as continuous (${typing.why})`;
    const threshold = givenValues?.[0];
    if (threshold === undefined) {
      throw new EngineInputError(
        `${read}, so its value_or_threshold must give a numeric threshold (or a list of more than one value, read as categories)`,
      );
    }
    if (Number.isNaN(pythonFloatValue(threshold))) {
      throw new EngineInputError(
        `${read}, so value_or_threshold ${JSON.stringify(threshold)} must be a number (or a list of more than one value, read as categories)`,
      );
    }
    const interval = configuredThresholdInterval(
      threshold,
      counts.profile.thresholdColumn(),
      `facet ${quotedColumn(facetName)} value_or_threshold`,
      "the facet column",
    );
    return [split(interval.text, (key) => (key & 1) === 1)];
  }
  if (givenValues !== undefined) {
    return [split(givenValues.map(configValueText).join(","), (key) => (key & 2) === 2)];
  }
  if (counts.profile.values.overflowed) {
    throw new EngineInputError(
      `the ${namedColumn("facet", facetName)} has more than ${counts.profile.values.capacity} distinct values; give value_or_threshold`,
    );
  }
  const truths = counts.profile.truthOfIds();
  if (truths) {
    // One split per boolean in order of first appearance (`unique()`), whatever its spellings.
    const order = [...new Set(truths)];
    return order.map((truth) =>
      split(truth === 1 ? "True" : "False", (key) => key >> 2 !== 0 && truths[(key >> 2) - 1] === truth),
    );
  }
  const splits: FacetSplit[] = [];
  const numberGroups = counts.profile.numberGroupOfIds();
  if (numberGroups) {
    // One split per number in order of first appearance (`unique()`), whatever its spellings.
    for (let id = 0; id < counts.profile.values.size; id++) {
      if (numberGroups[id] !== id) continue;
      splits.push(
        split(counts.profile.valueText(id), (key) => key >> 2 !== 0 && numberGroups[(key >> 2) - 1] === id),
      );
    }
    return splits;
  }
  for (let id = 0; id < counts.profile.values.size; id++) {
    splits.push(split(counts.profile.valueText(id), (key) => key >> 2 === id + 1));
  }
  return splits;
}

/**
 * The group_variable's group of each of its value ids, for CDDL and CDDPL: a value is its own
 * group, but in a column pandas holds as booleans the spellings of one boolean are one group, and
 * in a column of numbers those of one number (` 2` and `2`). Undefined without a group_variable.
 */
function groupIndexes(groups: ColumnProfile | undefined): ((id: number) => number) | undefined {
  if (groups === undefined) return undefined;
  const truths = groups.truthOfIds();
  if (truths === undefined) {
    const numberGroups = groups.numberGroupOfIds();
    return numberGroups ? (id) => numberGroups[id] as number : (id) => id;
  }
  const order = [...new Set(truths)];
  return (id) => order.indexOf(truths[id] as 0 | 1);
}

function splitCounts(
  counts: FacetCounts,
  isSensitive: (key: number) => boolean,
  labelBit: PositiveBit,
  predictedBit: PositiveBit,
  groupOf: ((id: number) => number) | undefined,
): FacetSplitCounts {
  const hasGroups = groupOf !== undefined;
  const d = [0, 0, 0, 0];
  const a = [0, 0, 0, 0];
  const groups: { d: number[]; a: number[] }[] = [];
  // Per cell (labelCode * 4 + predictedCode), its index into [tp, fp, fn, tn]: worked out once,
  // not per slot (a facet of many values has tens of thousands of slots, counted once per run).
  const confusionAt = Array.from({ length: 16 }, (_, cell) => {
    const labelPositive = ((cell >> 2) & labelBit) !== 0;
    const predictedPositive = (cell & 3 & predictedBit) !== 0;
    return labelPositive ? (predictedPositive ? 0 : 2) : predictedPositive ? 1 : 3;
  });
  const cells = counts.cells;
  for (let slot = 0; slot < counts.slotKeys.length; slot++) {
    const sensitive = isSensitive(counts.slotKeys[slot] as number);
    const target = sensitive ? d : a;
    const groupId = groupOf ? groupOf(counts.slotGroups[slot] as number) : 0;
    let group = groups[groupId];
    if (hasGroups && group === undefined) {
      group = { d: [0, 0, 0, 0], a: [0, 0, 0, 0] };
      groups[groupId] = group;
    }
    const groupTarget = group && (sensitive ? group.d : group.a);
    for (let cell = 0; cell < 16; cell++) {
      const n = cells[slot * 16 + cell] as number;
      if (n === 0) continue;
      const at = confusionAt[cell] as number;
      target[at] = (target[at] as number) + n;
      if (groupTarget) groupTarget[at] = (groupTarget[at] as number) + n;
    }
  }
  const confusion = (c: number[]): Confusion => ({
    tp: c[0] ?? 0,
    fp: c[1] ?? 0,
    fn: c[2] ?? 0,
    tn: c[3] ?? 0,
  });
  return {
    d: confusion(d),
    a: confusion(a),
    ...(hasGroups && {
      groups: groups.filter((g) => g !== undefined).map((g) => ({ d: confusion(g.d), a: confusion(g.a) })),
    }),
  };
}
