/**
 * What a dataset file's first bytes say about its format, read before anything parses it as
 * CSV or JSON Lines: a compressed, binary or UTF-16 file, a CSV delimited by something other
 * than commas, or JSON given as CSV (and the reverse) would otherwise fail later with a
 * misleading parse error (a stray quote, a missing column) that quotes the file's bytes as
 * column names. Shared by validate-config's
 * pre-flight (a ranged GET of the first object) and the local engine (each file it opens).
 */

/** What Clarify can read, said in every message so the user knows what to turn the file into. */
export const CLARIFY_READABLE =
  "Clarify reads uncompressed CSV (comma-separated), JSON Lines or Parquet, with S3CompressionType None";

/** The dataset types whose files are text this module can judge. */
const TEXT_DATASET_TYPES = new Set(["text/csv", "application/jsonlines"]);

interface Signature {
  readonly magic: readonly number[];
  readonly what: string;
  readonly fix: string;
}

// Only formats that cannot also be the start of a text file (each holds a byte that is not text).
const SIGNATURES: readonly Signature[] = [
  { magic: [0x1f, 0x8b], what: "is gzip-compressed", fix: "decompress it first (gunzip)" },
  { magic: [0x50, 0x4b, 0x03, 0x04], what: "is a ZIP archive", fix: "extract the data file first" },
  { magic: [0x42, 0x5a, 0x68], what: "is bzip2-compressed", fix: "decompress it first (bunzip2)" },
  {
    magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    what: "is xz-compressed",
    fix: "decompress it first (unxz)",
  },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: "is zstd-compressed", fix: "decompress it first (unzstd)" },
  {
    magic: [0x50, 0x41, 0x52, 0x31],
    what: "is a Parquet file",
    fix: 'set dataset_type to "application/x-parquet"',
  },
  { magic: [0xff, 0xfe], what: "is UTF-16 text", fix: "save it as UTF-8" },
  { magic: [0xfe, 0xff], what: "is UTF-16 text", fix: "save it as UTF-8" },
];

const DELIMITERS: readonly { readonly char: string; readonly name: string }[] = [
  { char: "\t", name: "tab" },
  { char: ";", name: "semicolon" },
  { char: "|", name: "pipe" },
];

/**
 * Why a file of `datasetType` whose first bytes are `head` cannot be what the config says, as a
 * phrase to put after the file's name ("is gzip-compressed; Clarify reads ...: decompress it
 * first"); undefined when nothing is wrong or the type is not a text type. Never quotes the
 * file's bytes.
 */
export function datasetFormatProblem(head: Uint8Array, datasetType: unknown): string | undefined {
  if (typeof datasetType !== "string" || !TEXT_DATASET_TYPES.has(datasetType)) return undefined;
  const text = decodeText(head);
  if (text === undefined) {
    const known = SIGNATURES.find((signature) => signature.magic.every((byte, i) => head[i] === byte));
    return known
      ? `${known.what}; ${CLARIFY_READABLE}: ${known.fix}`
      : `is not text (it holds binary bytes); ${CLARIFY_READABLE}`;
  }
  const line = firstLine(text);
  const startsAsJson = /^\s*[{[]/.test(line);
  if (datasetType === "application/jsonlines") {
    // A JSON Lines record is an object (or an array); a line that cannot start one is another format.
    return line.trim() === "" || startsAsJson
      ? undefined
      : `is not JSON Lines (its first line does not start with "{")${line.includes(",") ? '; for CSV set dataset_type to "text/csv"' : `; ${CLARIFY_READABLE}`}`;
  }
  if (startsAsJson)
    return `holds JSON, not CSV (its first line starts with "${line.trimStart()[0]}"); for JSON Lines (one JSON object per line) set dataset_type to "application/jsonlines"`;
  const delimiter = otherDelimiter(line);
  return delimiter
    ? `is ${delimiter}-delimited (its first line has ${delimiter}s and no commas); ${CLARIFY_READABLE}: save it with commas between fields`
    : undefined;
}

/**
 * The head as UTF-8 text, or undefined when it is not text: invalid UTF-8, a NUL byte, or
 * control characters beyond the odd one (tab, line breaks and form feed are text). A
 * multi-byte character cut at the end of the head is not held against it.
 */
function decodeText(head: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, completeLength(head)));
  } catch {
    return undefined;
  }
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return undefined;
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c) || code === 0x7f)
      controls++;
  }
  return controls * 1000 > text.length ? undefined : text;
}

/** The length of `bytes` without a UTF-8 sequence cut short at its end. */
function completeLength(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = bytes[end - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? end - back : end;
  }
  return end;
}

function firstLine(text: string): string {
  const body = text.replace(/^\uFEFF/, "").replace(/^(\s*\r?\n)+/, "");
  const end = body.search(/\r?\n/);
  return end < 0 ? body : body.slice(0, end);
}

/** The delimiter of a line that holds no comma outside quotes but another common delimiter, by name. */
function otherDelimiter(line: string): string | undefined {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  if ((counts.get(",") ?? 0) > 0) return undefined;
  let best: { name: string; count: number } | undefined;
  for (const { char, name } of DELIMITERS) {
    const count = counts.get(char) ?? 0;
    if (count > 0 && count > (best?.count ?? 0)) best = { name, count };
  }
  return best?.name;
}
