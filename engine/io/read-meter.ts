/**
 * Told the bytes a reader reads from a dataset file, one chunk at a time (never per row): the
 * count pass's progress (progress/), so the count loop itself is unchanged.
 */
export interface ReadMeter {
  read(bytes: number): void;
}
