import { EngineInputError } from "../errors.ts";
import { mergeDtypes } from "../io/parquet/merge-dtypes.ts";
import type { CollectedCounts, FacetCounts, FeatureRows, SkipRole } from "./collect-counts.ts";
import { GROUP_VALUE_CAPACITY, slotOf } from "./collect-counts.ts";
import { ColumnProfile } from "./column-profile.ts";
import { SlotIndex } from "./slot-index.ts";

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
  /** The kinds of the column's cells in rows left out (`LEFT_OUT` bits of column-profile.ts). */
  readonly leftOutKinds: number;
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
  /** Per column, the kinds of cell it held (`FEATURE_CELL` bits of aggregate/collect-counts.ts). */
  readonly kinds: readonly number[];
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

/**
 * The tables of some counts: copies, but for the FT rows, whose arrays (a row's worth of numbers
 * per feature) they share rather than copy. `columnDtypes`: the Parquet dtypes, by default the
 * counts' own.
 */
export function toCountTables(
  counts: CollectedCounts,
  columnDtypes: readonly (string | undefined)[] | undefined = counts.columnDtypes,
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
        kinds: [...counts.features.kinds],
        facetKeys: counts.features.facetKeys,
        predictedCodes: counts.features.predictedCodes,
      },
    }),
  };
}

export function fromCountTables(tables: CountTables): CollectedCounts {
  const facets: FacetCounts[] = tables.facets.map((facet) => {
    const slots = new SlotIndex();
    facet.slotKeys.forEach((key, slot) => {
      slots.add(key, facet.slotGroups[slot] as number, GROUP_VALUE_CAPACITY);
    });
    return {
      profile: columnProfile(facet.profile),
      slotKeys: [...facet.slotKeys],
      slotGroups: [...facet.slotGroups],
      cells: Float64Array.from(facet.cells.length === 0 ? new Array(16).fill(0) : facet.cells),
      slots,
    };
  });
  const features: FeatureRows | undefined = tables.features && {
    indexes: tables.features.indexes,
    columns: tables.features.columns.map((column) => (column === null ? undefined : [...column])),
    kinds: [...tables.features.kinds],
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
  return new CountsFold(fromCountTables(a)).add(b).tables();
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
    leftOutKinds: profile.leftOutKinds,
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
  profile.leftOutKinds = table.leftOutKinds;
  return profile;
}

/**
 * The merge of many tables in order, in place: `new CountsFold(fromCountTables(t0)).add(t1)
 * .add(t2).tables()` equals `mergeCounts(mergeCounts(t0, t1), t2)`, but each `add` costs what b
 * holds, not what the fold holds so far (each mergeCounts copies a's dictionaries and slots),
 * which is what folding hundreds of files' tables of full dictionaries needs.
 *
 * The fold takes over the counts it starts from and adds each later table into them: a thread's
 * own counts (parallel-counts.ts) are then neither turned into tables nor copied back. On two
 * threads at 1,000,000 rows with a facet of 10,000 values, those copies cost this thread some
 * 35 ms, a tenth of its count pass.
 */
export class CountsFold {
  #rowsRead: number;
  #rowsDropped: number;
  readonly #skipped: Map<SkipRole, number>;
  readonly #label: ColumnProfile;
  #predicted: ColumnProfile | undefined;
  #group: ColumnProfile | undefined;
  readonly #facets: readonly FacetCounts[];
  #features: FeatureRows | undefined;
  #dtypes: readonly (string | undefined)[] | undefined;

  /** A fold that starts from `first` and changes it: its owner must not use it on its own again. */
  constructor(first: CollectedCounts) {
    this.#rowsRead = first.rowsRead;
    this.#rowsDropped = first.rowsDropped;
    this.#skipped = new Map(first.skippedBy);
    this.#label = first.label;
    this.#predicted = first.predicted;
    this.#group = first.group;
    this.#facets = first.facets;
    this.#features = first.features;
    this.#dtypes = first.columnDtypes;
  }

  /** Folds in the tables of the rows that follow. */
  add(b: CountTables): this {
    addProfile(this.#label, b.label);
    // The predicted label and the group variable are kept only while every table has them.
    if (b.predicted) {
      if (this.#predicted) addProfile(this.#predicted, b.predicted);
    } else this.#predicted = undefined;
    let groupIds: Int32Array | undefined;
    if (b.group) groupIds = this.#group && addProfile(this.#group, b.group);
    else this.#group = undefined;
    if (this.#group?.values.overflowed) {
      throw new EngineInputError(
        `group_variable has more than ${GROUP_VALUE_CAPACITY} distinct values; it must be categorical`,
      );
    }
    const facetIds = this.#facets.map((facet, f) => addFacet(facet, b.facets[f] as FacetTable, groupIds));
    for (const [role, n] of b.skippedBy) this.#skipped.set(role, (this.#skipped.get(role) ?? 0) + n);
    this.#features = this.#features && b.features && addFeatures(this.#features, b.features, facetIds);
    const a = this.#dtypes;
    const bDtypes = b.columnDtypes?.map((dtype) => dtype ?? undefined);
    this.#dtypes = a && bDtypes ? a.map((dtype, i) => mergeDtypes(dtype, bDtypes[i])) : (a ?? bDtypes);
    this.#rowsRead += b.rowsRead;
    this.#rowsDropped += b.rowsDropped;
    return this;
  }

  /** The counts of every row folded in so far (the fold's own: a later `add` changes them). */
  counts(): CollectedCounts {
    return {
      ...(this.#dtypes && { columnDtypes: this.#dtypes }),
      rowsRead: this.#rowsRead,
      rowsDropped: this.#rowsDropped,
      skippedBy: this.#skipped,
      label: this.#label,
      ...(this.#predicted && { predicted: this.#predicted }),
      ...(this.#group && { group: this.#group }),
      facets: this.#facets,
      ...(this.#features && { features: this.#features }),
    };
  }

  /** The tables of every row folded in so far (copies: a later `add` leaves them as they are). */
  tables(): CountTables {
    const tables = toCountTables(this.counts());
    const features = tables.features;
    if (!features) return tables;
    // toCountTables shares the FT rows' arrays, which a later add appends to.
    return {
      ...tables,
      features: {
        ...features,
        columns: features.columns.map((column) => column && [...column]),
        kinds: [...features.kinds],
        facetKeys: features.facetKeys.map((keys) => [...keys]),
        predictedCodes: [...features.predictedCodes],
      },
    };
  }
}

/**
 * Folds b into one analysed column's profile: b's values not yet seen are appended in their
 * order while the dictionary has room, their row counts add. Returns b's value id → the
 * profile's (-1: beyond the capacity).
 */
function addProfile(profile: ColumnProfile, b: ProfileTable): Int32Array {
  const dictionary = profile.values;
  if (b.overflowed) dictionary.overflowed = true;
  const ids = new Int32Array(b.values.length);
  for (let bId = 0; bId < b.values.length; bId++) {
    const bytes = Buffer.from(b.values[bId] as string, "latin1");
    // -1 once the dictionary is full (which marks it overflowed).
    const id = dictionary.idOf(bytes, 0, bytes.length);
    ids[bId] = id;
    if (id !== -1) profile.rowsOf[id] = (profile.rowsOf[id] ?? 0) + (b.rowsOf[bId] ?? 0);
  }
  // One pass stops parsing numbers at the column's first text cell: b's facts count only when the fold has none.
  if (profile.allNumeric) {
    profile.allInteger = profile.allInteger && b.allInteger;
    profile.max = Math.max(profile.max, b.max ?? Number.NEGATIVE_INFINITY);
  }
  profile.allNumeric = profile.allNumeric && b.allNumeric;
  profile.leftOutKinds |= b.leftOutKinds;
  profile.count += b.count;
  profile.missing += b.missing;
  return ids;
}

/**
 * Folds b into one facet column's counts (whose group ids `groupIds` renumbers): b's slots are
 * renumbered into the counts' facet value and group ids, and their cells add. Returns b's facet
 * value id → the counts'.
 */
function addFacet(counts: FacetCounts, b: FacetTable, groupIds: Int32Array | undefined): Int32Array {
  const ids = addProfile(counts.profile, b.profile);
  for (let bSlot = 0; bSlot < b.slotKeys.length; bSlot++) {
    const key = remapKey(b.slotKeys[bSlot] as number, ids);
    const bGroup = b.slotGroups[bSlot] as number;
    const slot = slotOf(counts, key, groupIds ? (groupIds[bGroup] as number) : bGroup);
    // Read after slotOf, which may have grown them.
    const cells = counts.cells;
    for (let cell = 0; cell < 16; cell++) {
      cells[slot * 16 + cell] = (cells[slot * 16 + cell] as number) + (b.cells[bSlot * 16 + cell] as number);
    }
  }
  return ids;
}

/** A facet key is `(valueId + 1) * 4 + bits` (see FacetCounts): renumber its value id. */
function remapKey(key: number, ids: Int32Array): number {
  const id = (key >> 2) - 1;
  const merged = id === -1 ? -1 : (ids[id] as number);
  return (merged + 1) * 4 + (key & 3);
}

/**
 * Appends b's FT rows to a's, b's facet keys renumbered by `facetIds` (per facet, b's value id
 * → the fold's); a column is dropped (undefined) once either side held text in it.
 */
function addFeatures(a: FeatureRows, b: FeatureTable, facetIds: readonly Int32Array[]): FeatureRows {
  a.columns.forEach((column, i) => {
    const other = b.columns[i];
    if (column === undefined) return;
    if (other === null || other === undefined) a.columns[i] = undefined;
    else for (const value of other) column.push(value);
  });
  a.kinds.forEach((kinds, i) => {
    a.kinds[i] = kinds | (b.kinds[i] ?? 0);
  });
  a.facetKeys.forEach((keys, f) => {
    const ids = facetIds[f] as Int32Array;
    for (const key of b.facetKeys[f] ?? []) keys.push(remapKey(key, ids));
  });
  for (const code of b.predictedCodes) a.predictedCodes.push(code);
  return a;
}
