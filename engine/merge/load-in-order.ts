/**
 * Loads items one after another in their order, with a few loads under way ahead of the one
 * being consumed: the merge of a job's tables objects fetches the next ones while it folds the
 * current one, and holds at most `window` loaded or loading items besides the one it folds.
 */
export async function* loadInOrder<T, R>(
  items: readonly T[],
  load: (item: T, index: number) => Promise<R>,
  window: number,
): AsyncGenerator<R> {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`the look-ahead window must be a whole number of at least 1, got ${window}`);
  }
  const pending: Promise<R>[] = [];
  let next = 0;
  const start = () => {
    const index = next++;
    const loading = load(items[index] as T, index);
    // A load that fails after the consumer stopped (an earlier failure) is not an unhandled
    // rejection; one awaited below still rejects there.
    loading.catch(() => {});
    pending.push(loading);
  };
  while (next < items.length && pending.length < window) start();
  while (pending.length > 0) {
    const value = await (pending.shift() as Promise<R>);
    if (next < items.length) start();
    yield value;
  }
}
