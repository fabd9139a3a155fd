/**
 * Which files a TypeScript source reaches: its imports and re-exports (static, type-only and
 * dynamic, read by the TypeScript compiler's own pre-processor, so a path in a comment or a
 * string is not one) and the files it loads by `new URL("...", import.meta.url)` (a worker
 * script, say). Used by the layout tests that keep one folder from reaching into another.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** One reference from a source file to a file of the repository. */
export interface Reference {
  /** The referring file, relative to the repository root, with `/` separators. */
  readonly from: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** The file it names, relative to the repository root, with `/` separators. */
  readonly to: string;
}

const URL_REFERENCE = /new\s+URL\(\s*(["'])(\.{1,2}\/[^"']*)\1\s*,\s*import\.meta\.url\s*\)/g;

function posix(path: string): string {
  return path.split(sep).join("/");
}

/** The relative specifiers of a source: imports, re-exports, dynamic imports, `new URL` paths. */
export function relativeSpecifiers(source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  const imported = importedFiles.map((file) => file.fileName);
  const loaded = [...source.matchAll(URL_REFERENCE)].map((match) => match[2] ?? "");
  return [...imported, ...loaded].filter((specifier) => specifier.startsWith("."));
}

/** The repository files a source (at `file`, relative to `root`) refers to by relative path. */
export function referencesOf(root: string, file: string, source: string): Reference[] {
  return relativeSpecifiers(source).map((specifier) => ({
    from: posix(file),
    specifier,
    to: posix(relative(root, resolve(root, dirname(file), specifier))),
  }));
}

/** Every `.ts` file under `folder` (relative to `root`), relative to `root`, sorted. */
export function typeScriptFiles(root: string, folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => posix(join(folder, name)))
    .sort();
}

/** The references from any `.ts` file under `folder` to a file under `forbidden` (both relative to `root`). */
export function referencesInto(root: string, folder: string, forbidden: string): Reference[] {
  const prefix = `${forbidden.replace(/\/$/, "")}/`;
  return typeScriptFiles(root, folder)
    .flatMap((file) => referencesOf(root, file, readFileSync(join(root, file), "utf8")))
    .filter((reference) => reference.to.startsWith(prefix));
}
