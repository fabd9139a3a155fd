/**
 * Which host of the job this container is, from the resource config SageMaker writes into
 * every processing container (`/opt/ml/config/resourceconfig.json`). No file: the container
 * runs outside a job of several instances (analyze's tree, a test's), which is one host.
 */
import { readFile } from "node:fs/promises";
import type { ResourceConfig } from "../../contracts/partial-counts.ts";

/** The resource config cannot be read as SageMaker writes it: the job's machinery, not the user's input. */
export class ResourceConfigError extends Error {
  override readonly name = "ResourceConfigError" as const;
}

/** The host and hosts of `path`; undefined when there is no such file. */
export async function readResourceConfig(path: string): Promise<ResourceConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ResourceConfigError(`resource config ${path} cannot be read: ${(error as Error).message}`);
  }
  return parseResourceConfig(text, path);
}

export function parseResourceConfig(text: string, path: string): ResourceConfig {
  const fail = (rule: string): never => {
    throw new ResourceConfigError(`resource config ${path}: ${rule}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return fail("must hold a JSON object");
  const { current_host: host, hosts } = parsed as Record<string, unknown>;
  if (typeof host !== "string" || host === "") {
    return fail(`current_host must be a host name such as "algo-1", got ${JSON.stringify(host)}`);
  }
  if (!Array.isArray(hosts) || hosts.length === 0 || !hosts.every((h) => typeof h === "string" && h !== "")) {
    return fail(`hosts must be a non-empty list of host names, got ${JSON.stringify(hosts)}`);
  }
  if (new Set(hosts).size !== hosts.length) return fail(`hosts names a host twice: ${JSON.stringify(hosts)}`);
  if (!hosts.includes(host)) {
    return fail(`current_host ${JSON.stringify(host)} is not one of hosts ${JSON.stringify(hosts)}`);
  }
  // Host names become file names (output/partial/<host>.json).
  const unsafe = hosts.find((h: string) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(h));
  if (unsafe !== undefined)
    return fail(`host name ${JSON.stringify(unsafe)} is not a plain name (letters, digits, . _ -)`);
  return { current_host: host, hosts: hosts as string[] };
}
