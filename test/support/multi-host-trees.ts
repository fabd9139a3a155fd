/**
 * A job of several instances, on the local disk: a dataset as part files, dealt to hosts as
 * SageMaker's ShardedByS3Key deals objects (any assignment), each host's processing tree with its
 * resourceconfig.json, and the one-instance tree of the whole dataset to compare with.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runProcessingOnHost } from "../../engine/processing/run-processing-job.ts";

/** A dataset's part files: path below the dataset input → content. */
export type PartFiles = Readonly<Record<string, string | Uint8Array>>;

export const root = join(import.meta.dirname, "../..");
export const json = (path: string) =>
  JSON.parse(readFileSync(join(root, path), "utf8")) as Record<string, unknown>;

/** The credit example's config with every post-training metric but FT (which several instances refuse). */
export function creditConfig(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const config = json("examples/credit/analysis_config.json");
  return {
    ...config,
    methods: {
      ...(config.methods as Record<string, unknown>),
      post_training_bias: {
        methods: ["DPPL", "DI", "DCA", "DCR", "RD", "DAR", "DRR", "AD", "CDDPL", "TE", "SD", "GE"],
      },
    },
    ...changes,
  };
}

/** CSV text cut into `parts` files of consecutive rows (sizes as given, else about equal), each with the header row. */
export function csvParts(csv: string, names: readonly string[], sizes?: readonly number[]): PartFiles {
  const [header, ...rows] = csv.trimEnd().split("\n");
  const files: Record<string, string> = {};
  let at = 0;
  names.forEach((name, p) => {
    const size = sizes?.[p] ?? Math.ceil(rows.length / names.length);
    const slice = rows.slice(at, at + size);
    at += size;
    files[name] = `${header}\n${slice.join("\n")}${slice.length > 0 ? "\n" : ""}`;
  });
  return files;
}

export interface JobTrees {
  /** The one-instance tree: every file. */
  readonly whole: string;
  /** Per host, its tree and its resource config file. */
  readonly hosts: readonly {
    readonly name: string;
    readonly tree: string;
    readonly resourceConfig: string;
  }[];
}

/**
 * Writes the trees of a job whose host i gets the files `assignment[i]` (indexes into the files
 * in the order given), with the analysis config on every host.
 */
export function jobTrees(
  config: Record<string, unknown>,
  files: PartFiles,
  assignment: readonly number[][],
): JobTrees {
  const base = mkdtempSync(join(tmpdir(), "multi-host-"));
  const names = Object.keys(files);
  const hostNames = assignment.map((_, h) => `algo-${h + 1}`);
  const tree = (dir: string, own: readonly string[]) => {
    mkdirSync(join(dir, "input/config"), { recursive: true });
    mkdirSync(join(dir, "input/data"), { recursive: true });
    writeFileSync(join(dir, "input/config/analysis_config.json"), JSON.stringify(config));
    for (const name of own) {
      mkdirSync(dirname(join(dir, "input/data", name)), { recursive: true });
      writeFileSync(join(dir, "input/data", name), files[name] as string | Uint8Array);
    }
    return dir;
  };
  const whole = tree(join(base, "whole", "processing"), names);
  const hosts = assignment.map((indexes, h) => {
    const name = hostNames[h] as string;
    const dir = tree(
      join(base, name, "processing"),
      indexes.map((i) => names[i] as string),
    );
    const resourceConfig = join(base, name, "config", "resourceconfig.json");
    mkdirSync(dirname(resourceConfig), { recursive: true });
    writeFileSync(
      resourceConfig,
      JSON.stringify({ current_host: name, hosts: hostNames, network_interface_name: "eth0" }),
    );
    return { name, tree: dir, resourceConfig };
  });
  return { whole, hosts };
}

/**
 * The job's output prefix as SageMaker leaves it: every host's output folder uploaded to one
 * place (here copied into one folder beside the trees); returns that folder.
 */
export function jobOutput(trees: JobTrees): string {
  const folder = join(trees.whole, "..", "..", "job-output");
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const host of trees.hosts) cpSync(join(host.tree, "output"), folder, { recursive: true });
  return folder;
}

/** What a host of a multi-instance job writes in its output folder, given its number of dataset files. */
export function hostOutputListing(host: string, files: number): string[] {
  const tables = Array.from({ length: files }, (_, index) => `partial/${host}/${index}.json`);
  return ["partial", ...(files > 0 ? [`partial/${host}`] : []), `partial/${host}.json`, ...tables].sort();
}

/** Runs every host's `process` of the job, one after another, each on one thread, quietly. */
export async function runHosts(
  trees: JobTrees,
  environment: Readonly<Record<string, string>> = {},
): Promise<void> {
  for (const host of trees.hosts) {
    await runProcessingOnHost({
      processingDir: host.tree,
      resourceConfigPath: host.resourceConfig,
      log: () => {},
      threads: 1,
      environment,
    });
  }
}
