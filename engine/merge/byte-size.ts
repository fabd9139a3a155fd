/** A size for a one-line message: KB below a megabyte, MB with one decimal above. */
export function byteSize(bytes: number): string {
  return bytes < 2 ** 20 ? `${Math.ceil(bytes / 2 ** 10)} KB` : `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
