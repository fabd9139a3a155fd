/**
 * The order in which a dataset folder's files are read: by their paths below the folder,
 * compared as JavaScript strings (UTF-16 code units), the order in which S3 lists the keys of a
 * prefix for the keys a dataset holds. A multi-instance job merges its hosts' files in this
 * order too (engine/merge/), so it reads the rows in the order one instance reads them.
 */
export function byName(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
