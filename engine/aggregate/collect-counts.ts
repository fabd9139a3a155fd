import { EngineInputError } from "../errors.ts";
import { numberParse, parseNumber } from "../io/parse-number.ts";
import type { RowReader } from "../io/row-reader.ts";
import { booleanCell } from "./boolean-cell.ts";
import { ABOVE, CellReading, MATCHED } from "./cell-reading.ts";
import { ColumnProfile } from "./column-profile.ts";
import { isMissing } from "./missing-value.ts";
import type { IntegerDtype } from "./predicted-cast.ts";
import { SlotIndex } from "./slot-index.ts";
import type { ValueMatcher } from "./value-matcher.ts";

/** Distinct values kept per facet column; more than that cannot be analysed one by one. */
export const FACET_VALUE_CAPACITY = 10_000;
/** Distinct values of `group_variable` (CDDL/CDDPL sum over them). */
export const GROUP_VALUE_CAPACITY = 10_000;
/** Distinct label values tracked only to classify the label column. */
const LABEL_VALUE_CAPACITY = 100_000;

/** How a label-like column (label, predicted label) is read: two candidate "positive" bits per row. */
export interface OutcomeRule {
  readonly index: number;
  /** Cell matches a configured positive value (categorical reading). */
  readonly matcher: ValueMatcher;
  /** Cell is a number above this (continuous reading, or a score above probability_threshold). */
  readonly threshold?: number;
  /** Predicted labels counted again: cast to the label's integer dtype before the threshold (predicted-cast.ts). */
  readonly castTo?: IntegerDtype;
}

export interface FacetRule {
  readonly index: number;
  readonly matcher?: ValueMatcher;
  readonly threshold?: number;
}

export interface CountPlan {
  readonly label: OutcomeRule;
  /** Predicted labels: a column of the dataset, or of a separate reader read in lockstep. */
  readonly predicted?: OutcomeRule & { readonly reader?: RowReader };
  readonly facets: readonly FacetRule[];
  readonly groupIndex?: number;
  /** Columns whose numbers the Flip Test needs (collected only when FT is requested). */
  readonly featureIndexes?: readonly number[];
}

/**
 * Counts of one facet column. A "slot" is one (facet key, group) pair; each slot has 16 cells
 * indexed by `labelCode * 4 + predictedCode`, where a code's bit 0 is the categorical reading
 * and bit 1 the threshold reading. Which reading applies is decided after the stream, once the
 * column types are known. The facet key is `(valueId + 1) * 4 + matched * 2 + aboveThreshold`.
 */
export interface FacetCounts {
  readonly profile: ColumnProfile;
  slotKeys: number[];
  slotGroups: number[];
  cells: Float64Array;
  /** The slot of each (facet key, group) pair: the count loop's, which a CountsFold goes on using. */
  readonly slots: SlotIndex;
}

/**
 * The slot of the pair (facet key, group) in a facet's counts; a pair not seen yet gets the next
 * slot, its key and group appended and 16 zero cells.
 */
export function slotOf(counts: FacetCounts, key: number, group: number): number {
  const slot = counts.slots.get(key, group, GROUP_VALUE_CAPACITY);
  return slot === -1 ? addSlot(counts, key, group) : slot;
}

function addSlot(counts: FacetCounts, key: number, group: number): number {
  const slot = counts.slots.add(key, group, GROUP_VALUE_CAPACITY);
  counts.slotKeys.push(key);
  counts.slotGroups.push(group);
  if ((slot + 1) * 16 > counts.cells.length) {
    const cells = new Float64Array(Math.max(counts.cells.length * 2, (slot + 1) * 16));
    cells.set(counts.cells);
    counts.cells = cells;
  }
  return slot;
}

/** Numeric feature values per row for the Flip Test, plus what it needs to split the rows. */
export interface FeatureRows {
  readonly indexes: readonly number[];
  /** Per feature column: its values, or undefined once a non-numeric cell was seen. */
  readonly columns: (number[] | undefined)[];
  /** Per feature column: which kinds of cell it held (`FEATURE_CELL` bits), which decide pandas' dtype. */
  readonly kinds: number[];
  /** Per facet: each row's facet key. */
  readonly facetKeys: number[][];
  readonly predictedCodes: number[];
}

/**
 * The kinds of cell a Flip Test feature column held. pandas reads a column of numbers (missing
 * cells allowed) as numbers, and one of boolean spellings as `bool` only when no cell is missing;
 * booleans beside numbers or missing cells make the column `object`, which FT refuses. A number
 * not written as an integer (`fraction`) makes a column of numbers float64 rather than int64,
 * which decides how scikit-learn breaks FT's distance ties (metrics/knn/sklearn-neighbours.ts).
 */
export const FEATURE_CELL = { number: 1, boolean: 2, missing: 4, fraction: 8 } as const;

/** Whether pandas holds a feature column of these cell kinds as numbers (or booleans) FT accepts. */
export function featureKindsNumeric(kinds: number): boolean {
  return (kinds & FEATURE_CELL.boolean) === 0 || (kinds & (FEATURE_CELL.number | FEATURE_CELL.missing)) === 0;
}

/** Which analysed value a skipped row missed first: label, predicted label, facet i, group. */
export type SkipRole = "label" | "predicted_label" | `facet:${number}` | "group_variable";

interface MissingCheck {
  readonly index: number;
  readonly profile: ColumnProfile;
  readonly role: SkipRole;
}

export interface CollectedCounts {
  readonly rowsRead: number;
  readonly rowsDropped: number;
  /** Skipped rows by the first analysed value they miss (label, facets, predicted label, group). */
  readonly skippedBy: ReadonlyMap<SkipRole, number>;
  readonly label: ColumnProfile;
  readonly predicted?: ColumnProfile;
  readonly group?: ColumnProfile;
  readonly facets: readonly FacetCounts[];
  readonly features?: FeatureRows;
  /** Parquet: the declared dtypes over every file, when the rows were counted by several readers (parallel/). */
  readonly columnDtypes?: readonly (string | undefined)[];
}

/**
 * Streams the rows once and only increments counters: no row is kept (except the numeric
 * features when the Flip Test is requested). Rows with a missing label, predicted label,
 * facet or group value are dropped and counted.
 */
export function collectCounts(reader: RowReader, plan: CountPlan, fieldCount: number): CollectedCounts {
  const label = new ColumnProfile(LABEL_VALUE_CAPACITY);
  const predicted = plan.predicted ? new ColumnProfile(LABEL_VALUE_CAPACITY) : undefined;
  const group = plan.groupIndex === undefined ? undefined : new ColumnProfile(GROUP_VALUE_CAPACITY);
  const facets: FacetCounts[] = plan.facets.map(() => ({
    profile: new ColumnProfile(FACET_VALUE_CAPACITY),
    slotKeys: [],
    slotGroups: [],
    cells: new Float64Array(16 * 64),
    slots: new SlotIndex(),
  }));
  const labelReading = new CellReading(plan.label.matcher, plan.label.threshold);
  const predictedReading =
    plan.predicted &&
    new CellReading(plan.predicted.matcher, plan.predicted.threshold, plan.predicted.castTo);
  const facetReadings = plan.facets.map((rule) => new CellReading(rule.matcher, rule.threshold));
  const facetKeys = new Int32Array(plan.facets.length);
  const features: FeatureRows | undefined = plan.featureIndexes && {
    indexes: plan.featureIndexes,
    columns: plan.featureIndexes.map(() => []),
    kinds: plan.featureIndexes.map(() => 0),
    facetKeys: plan.facets.map(() => []),
    predictedCodes: [],
  };
  const predictedReader = plan.predicted?.reader;
  // Every analysed cell is checked (not only up to the first missing one): pandas reads an
  // integer column with any missing cell as floats, which changes how Clarify types it.
  const checks: MissingCheck[] = [
    { index: plan.label.index, profile: label, role: "label" },
    ...plan.facets.map((f, i) => ({
      index: f.index,
      profile: (facets[i] as FacetCounts).profile,
      role: `facet:${i}` as const,
    })),
  ];
  if (plan.predicted && predicted && !predictedReader) {
    checks.push({ index: plan.predicted.index, profile: predicted, role: "predicted_label" });
  }
  if (plan.groupIndex !== undefined && group) {
    checks.push({ index: plan.groupIndex, profile: group, role: "group_variable" });
  }
  const skippedBy = new Map<SkipRole, number>();

  // Per check, the value id of the current row's cell (-1: not in the dictionary), found while
  // looking for missing cells, so that each cell is hashed once.
  const found = new Int32Array(checks.length);
  const labelCheck = 0;
  const facetCheck = 1;
  const predictedCheck = predictedReader ? -1 : checks.findIndex((check) => check.role === "predicted_label");
  const groupCheck = checks.findIndex((check) => check.role === "group_variable");
  /** The reader holding the current row: its fields are viewed directly (see RowReader.rowHolder). */
  let row: RowReader = reader;
  /** Observes the cell of check `c` in its column's profile; returns its value id. */
  const observe = (c: number): number => {
    const check = checks[c] as MissingCheck;
    const id = found[c] as number;
    if (id >= 0) {
      check.profile.observeId(id);
      return id;
    }
    // The cell's lookup missed, and nothing was learnt in its dictionary since.
    row.view(check.index);
    return check.profile.observeMissed(row.viewBuf, row.viewStart, row.viewEnd);
  };
  /** The reading of the cell just observed with `id` (its bytes are the row's view when it has no id). */
  const read = (reading: CellReading, profile: ColumnProfile, id: number): number =>
    reading.read(profile, id, row.viewBuf, row.viewStart, row.viewEnd);

  let rowsRead = 0;
  let rowsDropped = 0;
  while (reader.next()) {
    rowsRead++;
    if (reader.fieldCount !== fieldCount) {
      throw new EngineInputError(
        `${reader.location()}: has ${reader.fieldCount} fields, expected ${fieldCount} like the header`,
      );
    }
    if (predictedReader && !predictedReader.next()) {
      throw new EngineInputError(
        `the predicted label dataset has fewer rows than the dataset (it ends before ${reader.location()})`,
      );
    }
    row = reader.rowHolder?.() ?? reader;
    let missingRole: SkipRole | undefined;
    for (let c = 0; c < checks.length; c++) {
      const check = checks[c] as MissingCheck;
      row.view(check.index);
      // A known value is never missing: a row with a missing cell is dropped before its values are
      // learnt. Save a JSON string "": a known value that a JSON null's empty cell finds too.
      const id = check.profile.values.find(row.viewBuf, row.viewStart, row.viewEnd);
      found[c] = id;
      if (
        (id === -1 || row.viewStart === row.viewEnd) &&
        isMissing(row.viewBuf, row.viewStart, row.viewEnd) &&
        row.isMissingField?.(check.index) !== false
      ) {
        check.profile.missing++;
        missingRole ??= check.role;
      }
    }
    if (plan.predicted && predicted && predictedReader) {
      predictedReader.view(plan.predicted.index);
      if (
        isMissing(predictedReader.viewBuf, predictedReader.viewStart, predictedReader.viewEnd) &&
        (predictedReader.rowHolder?.() ?? predictedReader).isMissingField?.(plan.predicted.index) !== false
      ) {
        predicted.missing++;
        missingRole ??= "predicted_label";
      }
    }
    if (missingRole !== undefined) {
      noteLeftOutCells(row, checks, found);
      if (plan.predicted && predicted && predictedReader) {
        noteLeftOutCell(predictedReader.rowHolder?.() ?? predictedReader, plan.predicted.index, predicted);
      }
      if (features) noteDroppedRowFeatures(row, features);
      rowsDropped++;
      skippedBy.set(missingRole, (skippedBy.get(missingRole) ?? 0) + 1);
      continue;
    }

    const labelCode = read(labelReading, label, observe(labelCheck));
    let predictedCode = 0;
    if (predicted && predictedReading) {
      if (predictedReader && plan.predicted) {
        predictedReader.view(plan.predicted.index);
        const id = predicted.observe(
          predictedReader.viewBuf,
          predictedReader.viewStart,
          predictedReader.viewEnd,
        );
        predictedCode = predictedReading.read(
          predicted,
          id,
          predictedReader.viewBuf,
          predictedReader.viewStart,
          predictedReader.viewEnd,
        );
      } else {
        predictedCode = read(predictedReading, predicted, observe(predictedCheck));
      }
    }
    const cell = labelCode * 4 + predictedCode;
    let groupId = 0;
    if (groupCheck !== -1) {
      groupId = observe(groupCheck);
      if (groupId === -1) {
        throw new EngineInputError(
          `group_variable has more than ${GROUP_VALUE_CAPACITY} distinct values (${reader.location()}); it must be categorical`,
        );
      }
    }

    for (let f = 0; f < facets.length; f++) {
      const counts = facets[f] as FacetCounts;
      const id = observe(facetCheck + f);
      const reading = read(facetReadings[f] as CellReading, counts.profile, id);
      const key = (id + 1) * 4 + (reading & MATCHED) * 2 + (reading & ABOVE) / 2;
      facetKeys[f] = key;
      const at = slotOf(counts, key, groupId) * 16 + cell;
      counts.cells[at] = (counts.cells[at] as number) + 1;
    }

    if (features) collectFeatures(row, features, facetKeys, predictedCode);
  }
  if (predictedReader?.next()) {
    throw new EngineInputError("the predicted label dataset has more rows than the dataset");
  }
  return {
    rowsRead,
    rowsDropped,
    skippedBy,
    label,
    ...(predicted && { predicted }),
    ...(group && { group }),
    facets,
    ...(features && { features }),
  };
}

/**
 * Notes the analysed cells of a row left out for a missing value in their columns' profiles
 * (`ColumnProfile.noteLeftOut`): pandas types a column from all its cells before such rows are
 * dropped, so a text or a fraction there changes how the analysed rows are read. `found` holds
 * each check's value id (-1: none), as the search for missing cells left it.
 */
function noteLeftOutCells(row: RowReader, checks: readonly MissingCheck[], found: Int32Array): void {
  for (let c = 0; c < checks.length; c++) {
    const { index, profile } = checks[c] as MissingCheck;
    const id = found[c] as number;
    // A value the analysed rows hold is no missing cell, but for the empty one (a JSON string "",
    // which a JSON null's empty cell finds too).
    if (id >= 0 && profile.values.end(id) > profile.values.start(id)) profile.noteLeftOutId(id);
    else noteLeftOutCell(row, index, profile);
  }
}

function noteLeftOutCell(row: RowReader, index: number, profile: ColumnProfile): void {
  if (!viewsMissingCell(row, index)) profile.noteLeftOut(row.viewBuf, row.viewStart, row.viewEnd);
}

/**
 * Views cell `index` of the row; whether it is missing: empty or a pandas NA spelling, and in JSON
 * Lines only a null (a JSON string "NA" is a value: RowReader.isMissingField).
 */
function viewsMissingCell(row: RowReader, index: number): boolean {
  row.view(index);
  return isMissing(row.viewBuf, row.viewStart, row.viewEnd) && row.isMissingField?.(index) !== false;
}

function collectFeatures(
  reader: RowReader,
  rows: FeatureRows,
  facetKeys: Int32Array,
  predictedCode: number,
): void {
  rows.indexes.forEach((index, i) => {
    if (rows.columns[i] === undefined) return;
    const value = readFeatureCell(reader, rows, index, i);
    rows.columns[i]?.push(value);
  });
  facetKeys.forEach((key, f) => {
    rows.facetKeys[f]?.push(key);
  });
  rows.predictedCodes.push(predictedCode);
}

/**
 * Notes the feature cells of a row left out for a missing analysed value: pandas types a column
 * from all its cells before rows are dropped, so their kinds count (a boolean column with a cell
 * missing in such a row is `object`, which FT refuses), though their values are not kept.
 */
function noteDroppedRowFeatures(reader: RowReader, rows: FeatureRows): void {
  rows.indexes.forEach((index, i) => {
    if (rows.columns[i] !== undefined) readFeatureCell(reader, rows, index, i);
  });
}

/**
 * Reads feature cell `index` (feature column `i`) as pandas would and notes its kind: a missing
 * cell (empty or a pandas NA spelling; in JSON Lines a null, not a string) is NaN, which FT then
 * refuses; a boolean spelling is 1 or 0 (FEATURE_CELL says when pandas keeps such a column
 * numeric); any other text (by pandas' number grammar, as the count pass reads cells, or a JSON
 * string "NA") makes the column non-numeric (undefined).
 */
function readFeatureCell(reader: RowReader, rows: FeatureRows, index: number, i: number): number {
  const kinds = rows.kinds[i] as number;
  if (viewsMissingCell(reader, index)) {
    rows.kinds[i] = kinds | FEATURE_CELL.missing;
    return Number.NaN;
  }
  const { viewBuf, viewStart, viewEnd } = reader;
  const value = parseNumber(viewBuf, viewStart, viewEnd);
  if (!Number.isNaN(value)) {
    rows.kinds[i] = kinds | FEATURE_CELL.number | (numberParse.lastWasInteger ? 0 : FEATURE_CELL.fraction);
    return value;
  }
  const truth = booleanCell(viewBuf, viewStart, viewEnd);
  if (truth === -1) {
    rows.columns[i] = undefined;
    return Number.NaN;
  }
  rows.kinds[i] = kinds | FEATURE_CELL.boolean;
  return truth;
}
