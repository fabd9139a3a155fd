/**
 * The instances of an emulated processing job: one `/opt/ml` tree per host, named as SageMaker
 * names them (`algo-1` … `algo-N`), each with the `resourceconfig.json` SageMaker writes, and how an
 * input's S3 objects are spread over them.
 *
 * SageMaker documents that `ShardedByS3Key` gives each instance about 1/N of the input's objects,
 * not which ones. The emulator deals the objects, sorted by key, round-robin: object i goes to host
 * `algo-((i mod N) + 1)`. No host gets a contiguous run of the sorted keys, so a merge that relied
 * on hosts holding consecutive files (instead of ordering files by name) would show up in tests.
 */
import { join } from "node:path";
import type { ResourceConfig } from "../contracts/partial-counts.ts";

/** Where one host's container sees its files, on this machine. */
export interface HostTree {
  readonly host: string;
  /** Stands for `/opt/ml/processing`. */
  readonly processingDir: string;
  /** Stands for `/opt/ml/output/message`. */
  readonly messagePath: string;
  /** Stands for `/opt/ml/config/resourceconfig.json`. */
  readonly resourceConfigPath: string;
}

/** `algo-1` … `algo-<count>`. */
export function hostNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `algo-${index + 1}`);
}

/** Each host's tree under the job's folder: `<jobDir>/<host>/opt/ml/...`. */
export function hostTrees(jobDir: string, hosts: readonly string[]): HostTree[] {
  return hosts.map((host) => {
    const mlDir = join(jobDir, host, "opt", "ml");
    return {
      host,
      processingDir: join(mlDir, "processing"),
      messagePath: join(mlDir, "output", "message"),
      resourceConfigPath: join(mlDir, "config", "resourceconfig.json"),
    };
  });
}

/** `resourceconfig.json` of a host, as SageMaker Processing documents it. */
export function resourceConfigOf(host: string, hosts: readonly string[]): ResourceConfig {
  return { current_host: host, hosts: [...hosts] };
}

/** How an input reaches the hosts (`S3DataDistributionType`; absent means FullyReplicated). */
export type Distribution = "FullyReplicated" | "ShardedByS3Key";

/**
 * Which hosts receive each object: every host (FullyReplicated), or one host per object dealt
 * round-robin over the objects in key order (ShardedByS3Key). Returns the host indexes per object,
 * in the order of `keys`.
 */
export function assignObjects(
  keys: readonly string[],
  hostCount: number,
  distribution: Distribution,
): number[][] {
  const everyHost = Array.from({ length: hostCount }, (_, index) => index);
  if (distribution === "FullyReplicated" || hostCount === 1) return keys.map(() => everyHost);
  const rank = new Map(
    [...keys]
      .map((key, index) => ({ key, index }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index))
      .map(({ index }, position) => [index, position]),
  );
  return keys.map((_, index) => [(rank.get(index) ?? 0) % hostCount]);
}
