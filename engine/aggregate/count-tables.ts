import { EngineInputError } from "../errors.ts";
import { mergeDtypes } from "../io/parquet/merge-dtypes.ts";
import type { CollectedCounts, FacetCounts, FeatureRows, SkipRole } from "./collect-counts.ts";
import { GROUP_VALUE_CAPACITY } from "./collect-counts.ts";
import { ColumnProfile } from "./column-profile.ts";

/**
 * What one pass over some rows learns about an analysed column, as plain data (JSON and
 * structured-clone safe). Values are the cells' bytes as latin1 text (one char per byte, so
 * any byte string round-trips), in order of first appearance.
 */
export interface ProfileTable {
  readonly capacity: number;
  readonly values: readonly string[];
  readonly rowsOf: readonly number[];
  readonly overflowed: boolean;
  readonly count: number;
  readonly missing: number;
  readonly allNumeric: boolean;
  readonly allInteger: boolean;
  /** The largest number before the first non-numeric cell; null when there is none. */
  readonly max: number | null;
}

/** One facet column's slots (facet key × group) and their 16 cells each (see FacetCounts). */
export interface FacetTable {
  readonly profile: ProfileTable;
  readonly slotKeys: readonly number[];
  readonly slotGroups: readonly number[];
  readonly cells: readonly number[];
}

/** The Flip Test's rows: numeric feature columns (null once a column held text), facet keys, predictions. */
export interface FeatureTable {
  readonly indexes: readonly number[];
  readonly columns: readonly (readonly number[] | null)[];
  readonly facetKeys: readonly (readonly number[])[];
  readonly predictedCodes: readonly number[];
}

/**
 * The count tables of a run of consecutive rows: everything the metrics, the column typing and
 * the analysis context need from the data. `mergeCounts(a, b)` gives the tables of a's rows
 * followed by b's, exactly as one pass over them would.
 */
export interface CountTables {
  readonly rowsRead: number;
  readonly rowsDropped: number;
  /** Skipped rows per reason, in order of the reason's first skipped row. */
  readonly skippedBy: readonly (readonly [SkipRole, number])[];
  readonly label: ProfileTable;
  readonly predicted?: ProfileTable;
  readonly group?: ProfileTable;
  readonly facets: readonly FacetTable[];
  readonly features?: FeatureTable;
  /** Parquet: pandas' dtype per column as the files declare it (null: not declared). */
  readonly columnDtypes?: readonly (string | null)[];
}

export function toCountTables(
  counts: CollectedCounts,
  columnDtypes?: readonly (string | undefined)[],
): CountTables {
  return {
    ...(columnDtypes && { columnDtypes: columnDtypes.map((dtype) => dtype ?? null) }),
    rowsRead: counts.rowsRead,
    rowsDropped: counts.rowsDropped,
    skippedBy: [...counts.skippedBy],
    label: profileTable(counts.label),
    ...(counts.predicted && { predicted: profileTable(counts.predicted) }),
    ...(counts.group && { group: profileTable(counts.group) }),
    facets: counts.facets.map((facet) => ({
      profile: profileTable(facet.profile),
      slotKeys: [...facet.slotKeys],
      slotGroups: [...facet.slotGroups],
      cells: plainNumbers(facet.cells, facet.slotKeys.length * 16),
    })),
    ...(counts.features && {
      features: {
        indexes: [...counts.features.indexes],
        columns: counts.features.columns.map((column) => (column === undefined ? null : column)),
        facetKeys: counts.features.facetKeys,
        predictedCodes: counts.features.predictedCodes,
      },
    }),
  };
}

export function fromCountTables(tables: CountTables): CollectedCounts {
  const facets: FacetCounts[] = tables.facets.map((facet) => ({
    profile: columnProfile(facet.profile),
    slotKeys: [...facet.slotKeys],
    slotGroups: [...facet.slotGroups],
    cells: Float64Array.from(facet.cells.length === 0 ? new Array(16).fill(0) : facet.cells),
  }));
  const features: FeatureRows | undefined = tables.features && {
    indexes: tables.features.indexes,
    columns: tables.features.columns.map((column) => (column === null ? undefined : [...column])),
    facetKeys: tables.features.facetKeys.map((keys) => [...keys]),
    predictedCodes: [...tables.features.predictedCodes],
  };
  return {
    ...(tables.columnDtypes && { columnDtypes: tables.columnDtypes.map((dtype) => dtype ?? undefined) }),
    rowsRead: tables.rowsRead,
    rowsDropped: tables.rowsDropped,
    skippedBy: new Map(tables.skippedBy),
    label: columnProfile(tables.label),
    ...(tables.predicted && { predicted: columnProfile(tables.predicted) }),
    ...(tables.group && { group: columnProfile(tables.group) }),
    facets,
    ...(features && { features }),
  };
}

/**
 * The tables of a's rows followed by b's. Exact and associative: value ids stay in order of
 * first appearance (b's new values after a's), counts add, and the facts a pass stops
 * updating at the first text cell (maximum, integers) come from a when a holds text. b's value
 * ids are renumbered into the merged dictionary, in its slots, its group ids and its FT rows.
 * A fold of two (`CountsFold`), so both merges are one implementation.
 */
export function mergeCounts(a: CountTables, b: CountTables): CountTables {
  return handOver(new CountsFold(a).add(b));
}

/**
 * The first `length` numbers of a typed array as a plain array, copied in a loop: `Array.from`
 * goes through the iterator, which for a facet of many values (hundreds of thousands of cells)
 * costs time and tens of MB of garbage.
 */
export function plainNumbers(typed: Float64Array, length: number): number[] {
  const numbers = new Array<number>(length);
  for (let i = 0; i < length; i++) numbers[i] = typed[i] as number;
  return numbers;
}

function profileTable(profile: ColumnProfile): ProfileTable {
  const dictionary = profile.values;
  return {
    capacity: dictionary.capacity,
    values: Array.from({ length: dictionary.size }, (_, id) => dictionary.bytes(id).toString("latin1")),
    rowsOf: Array.from({ length: dictionary.size }, (_, id) => profile.rowsOf[id] ?? 0),
    overflowed: dictionary.overflowed,
    count: profile.count,
    missing: profile.missing,
    allNumeric: profile.allNumeric,
    allInteger: profile.allInteger,
    max: profile.max === Number.NEGATIVE_INFINITY ? null : profile.max,
  };
}

function columnProfile(table: ProfileTable): ColumnProfile {
  const profile = new ColumnProfile(table.capacity);
  for (const value of table.values) {
    const bytes = Buffer.from(value, "latin1");
    profile.values.idOf(bytes, 0, bytes.length);
  }
  profile.values.overflowed = table.overflowed;
  table.rowsOf.forEach((rows, id) => {
    profile.rowsOf[id] = rows;
  });
  profile.count = table.count;
  profile.missing = table.missing;
  profile.allNumeric = table.allNumeric;
  profile.allInteger = table.allInteger;
  profile.max = table.max ?? Number.NEGATIVE_INFINITY;
  return profile;
}

/**
 * A fold's tables holding its own arrays, not copies: for a fold that is dropped right after
 * (mergeCounts), which saves copying every dictionary and slot a second time.
 */
let handOver: (fold: CountsFold) => CountTables;

/**
 * The merge of many tables in order, in place: `new CountsFold(t0).add(t1).add(t2).tables()`
 * equals `mergeCounts(mergeCounts(t0, t1), t2)`, but each `add` costs what b holds, not what the
 * fold holds so far (each mergeCounts copies a's dictionaries and slots into a new fold), which
 * is what folding hundreds of files' tables of full dictionaries needs.
 */
export class CountsFold {
  #rowsRead: number;
  #rowsDropped: number;
  readonly #skipped: Map<SkipRole, number>;
  readonly #label: ProfileFold;
  #predicted: ProfileFold | undefined;
  #group: ProfileFold | undefined;
  readonly #facets: FacetFold[];
  #features: FeatureTable | undefined;
  #dtypes: readonly (string | null)[] | undefined;

  constructor(first: CountTables) {
    this.#rowsRead = first.rowsRead;
    this.#rowsDropped = first.rowsDropped;
    this.#skipped = new Map(first.skippedBy);
    this.#label = new ProfileFold(first.label);
    this.#predicted = first.predicted && new ProfileFold(first.predicted);
    this.#group = first.group && new ProfileFold(first.group);
    this.#facets = first.facets.map((facet) => new FacetFold(facet));
    this.#features = first.features;
    this.#dtypes = first.columnDtypes;
  }

  /** Folds in the tables of the rows that follow. */
  add(b: CountTables): this {
    this.#label.add(b.label);
    // The predicted label and the group variable are kept only while every table has them.
    if (b.predicted) this.#predicted?.add(b.predicted);
    else this.#predicted = undefined;
    let groupIds: Int32Array | undefined;
    if (b.group) groupIds = this.#group?.add(b.group);
    else this.#group = undefined;
    if (this.#group?.overflowed) {
      throw new EngineInputError(
        `group_variable has more than ${GROUP_VALUE_CAPACITY} distinct values; it must be categorical`,
      );
    }
    const facetIds = this.#facets.map((facet, f) => facet.add(b.facets[f] as FacetTable, groupIds));
    for (const [role, n] of b.skippedBy) this.#skipped.set(role, (this.#skipped.get(role) ?? 0) + n);
    this.#features = this.#features && b.features && mergeFeatures(this.#features, b.features, facetIds);
    const a = this.#dtypes;
    this.#dtypes =
      a && b.columnDtypes
        ? a.map((dtype, i) => mergeDtypes(dtype ?? undefined, b.columnDtypes?.[i] ?? undefined) ?? null)
        : (a ?? b.columnDtypes);
    this.#rowsRead += b.rowsRead;
    this.#rowsDropped += b.rowsDropped;
    return this;
  }

  static {
    handOver = (fold) => fold.#tables(false);
  }

  /** The tables of every row folded in so far. */
  tables(): CountTables {
    return this.#tables(true);
  }

  /** `copy`: whether the tables get copies of the fold's arrays (which later `add`s change) or the arrays. */
  #tables(copy: boolean): CountTables {
    return {
      ...(this.#dtypes && { columnDtypes: this.#dtypes }),
      rowsRead: this.#rowsRead,
      rowsDropped: this.#rowsDropped,
      skippedBy: [...this.#skipped],
      label: this.#label.table(copy),
      ...(this.#predicted && { predicted: this.#predicted.table(copy) }),
      ...(this.#group && { group: this.#group.table(copy) }),
      facets: this.#facets.map((facet) => facet.table(copy)),
      ...(this.#features && { features: this.#features }),
    };
  }
}

/**
 * One analysed column's profile, folded in place: b's values not yet seen are appended in their
 * order while the dictionary has room, their row counts add.
 */
class ProfileFold {
  readonly #capacity: number;
  readonly #values: string[];
  readonly #rowsOf: number[];
  readonly #index: Map<string, number>;
  overflowed: boolean;
  #count: number;
  #missing: number;
  #allNumeric: boolean;
  #allInteger: boolean;
  #max: number | null;

  constructor(a: ProfileTable) {
    this.#capacity = a.capacity;
    this.#values = [...a.values];
    this.#rowsOf = [...a.rowsOf];
    this.#index = new Map(this.#values.map((value, id) => [value, id]));
    this.overflowed = a.overflowed;
    this.#count = a.count;
    this.#missing = a.missing;
    this.#allNumeric = a.allNumeric;
    this.#allInteger = a.allInteger;
    this.#max = a.max;
  }

  /** Folds in b; b's value id → the fold's (-1: beyond the capacity). */
  add(b: ProfileTable): Int32Array {
    const values = this.#values;
    const rowsOf = this.#rowsOf;
    if (b.overflowed) this.overflowed = true;
    const ids = new Int32Array(b.values.length);
    for (let bId = 0; bId < b.values.length; bId++) {
      const value = b.values[bId] as string;
      let id = this.#index.get(value);
      if (id === undefined && values.length < this.#capacity) {
        id = values.length;
        values.push(value);
        rowsOf.push(0);
        this.#index.set(value, id);
      }
      if (id === undefined) {
        this.overflowed = true;
        ids[bId] = -1;
        continue;
      }
      ids[bId] = id;
      rowsOf[id] = (rowsOf[id] ?? 0) + (b.rowsOf[bId] ?? 0);
    }
    // One pass stops parsing numbers at the column's first text cell: b's facts count only when the fold has none.
    if (this.#allNumeric) {
      this.#allInteger = this.#allInteger && b.allInteger;
      this.#max = this.#max === null ? b.max : b.max === null ? this.#max : Math.max(this.#max, b.max);
    }
    this.#allNumeric = this.#allNumeric && b.allNumeric;
    this.#count += b.count;
    this.#missing += b.missing;
    return ids;
  }

  table(copy: boolean): ProfileTable {
    return {
      capacity: this.#capacity,
      values: copied(this.#values, copy),
      rowsOf: copied(this.#rowsOf, copy),
      overflowed: this.overflowed,
      count: this.#count,
      missing: this.#missing,
      allNumeric: this.#allNumeric,
      allInteger: this.#allInteger,
      max: this.#max,
    };
  }
}

/**
 * One facet column's profile and slots, folded in place: b's slots are renumbered into the fold's
 * facet value and group ids, and their cells add.
 */
class FacetFold {
  readonly #profile: ProfileFold;
  readonly #slotKeys: number[];
  readonly #slotGroups: number[];
  readonly #cells: number[];
  readonly #slots: Map<number, number>;

  constructor(a: FacetTable) {
    this.#profile = new ProfileFold(a.profile);
    this.#slotKeys = [...a.slotKeys];
    this.#slotGroups = [...a.slotGroups];
    this.#cells = [...a.cells];
    this.#slots = new Map(
      this.#slotKeys.map((key, slot) => [
        key * GROUP_VALUE_CAPACITY + (this.#slotGroups[slot] as number),
        slot,
      ]),
    );
  }

  /** Folds in b (whose group ids `groupIds` renumbers); b's facet value id → the fold's. */
  add(b: FacetTable, groupIds: Int32Array | undefined): Int32Array {
    const ids = this.#profile.add(b.profile);
    const cells = this.#cells;
    for (let bSlot = 0; bSlot < b.slotKeys.length; bSlot++) {
      const key = remapKey(b.slotKeys[bSlot] as number, ids);
      const bGroup = b.slotGroups[bSlot] as number;
      const groupId = groupIds ? (groupIds[bGroup] as number) : bGroup;
      const slotKey = key * GROUP_VALUE_CAPACITY + groupId;
      let slot = this.#slots.get(slotKey);
      if (slot === undefined) {
        slot = this.#slotKeys.length;
        this.#slots.set(slotKey, slot);
        this.#slotKeys.push(key);
        this.#slotGroups.push(groupId);
        for (let cell = 0; cell < 16; cell++) cells.push(0);
      }
      for (let cell = 0; cell < 16; cell++) {
        cells[slot * 16 + cell] =
          (cells[slot * 16 + cell] as number) + (b.cells[bSlot * 16 + cell] as number);
      }
    }
    return ids;
  }

  table(copy: boolean): FacetTable {
    return {
      profile: this.#profile.table(copy),
      slotKeys: copied(this.#slotKeys, copy),
      slotGroups: copied(this.#slotGroups, copy),
      cells: copied(this.#cells, copy),
    };
  }
}

function copied<T>(list: T[], copy: boolean): T[] {
  return copy ? [...list] : list;
}

/** A facet key is `(valueId + 1) * 4 + bits` (see FacetCounts): renumber its value id. */
function remapKey(key: number, ids: Int32Array): number {
  const id = (key >> 2) - 1;
  const merged = id === -1 ? -1 : (ids[id] as number);
  return (merged + 1) * 4 + (key & 3);
}

/** a's FT rows followed by b's, b's facet keys renumbered by `facetIds` (per facet, b's value id → the fold's). */
function mergeFeatures(a: FeatureTable, b: FeatureTable, facetIds: readonly Int32Array[]): FeatureTable {
  return {
    indexes: a.indexes,
    columns: a.columns.map((column, i) => {
      const other = b.columns[i];
      return column === null || other === null || other === undefined ? null : [...column, ...other];
    }),
    facetKeys: a.facetKeys.map((keys, f) => {
      const ids = facetIds[f] as Int32Array;
      return [...keys, ...(b.facetKeys[f] ?? []).map((key) => remapKey(key, ids))];
    }),
    predictedCodes: [...a.predictedCodes, ...b.predictedCodes],
  };
}
