// The Tokenizer contract shared by the character-level, byte-level BPE and GPT-2 tokenizers, their
// saved JSON forms, and the errors they throw (bad ids, unknown characters, malformed files).
import { NablaError } from "../index.js";
import { FileFormatError } from "../io/browser.js";

/** Turns text into token ids and back. */
export interface Tokenizer {
  /** "char", "bpe" or "gpt2": the `type` of its JSON form. */
  readonly type: TokenizerJSON["type"];
  /** Ids run from 0 to vocabSize - 1. */
  readonly vocabSize: number;
  encode(text: string): number[];
  /** Throws a TokenIdError for an id outside 0..vocabSize-1 or not an integer. */
  decode(ids: ArrayLike<number>): string;
  /** A plain object that `tokenizerFromJSON` (and `loadTokenizer` from a file) turns back into it. */
  toJSON(): TokenizerJSON;
}

export interface CharTokenizerJSON {
  type: "char";
  version: 1;
  /** The vocabulary: id i is chars[i], one code point each, in code-point order. */
  chars: string[];
  /** The character unknown ones are mapped to (one of chars), or null to throw on them. */
  unknown: string | null;
}

export interface BpeTokenizerJSON {
  type: "bpe";
  version: 1;
  /** How text is cut before merging: "words" (merges stay inside a chunk) or "none". */
  preSplit: "words" | "none";
  /** merges[r] = [a, b]: the pair of ids that token 256 + r replaces, in the order learned. */
  merges: [number, number][];
}

export interface Gpt2TokenizerJSON {
  type: "gpt2";
  version: 1;
  /** The tiktoken encoding's name; GPT-2's is r50k_base. */
  encoding: "r50k_base";
}

export type TokenizerJSON = CharTokenizerJSON | BpeTokenizerJSON | Gpt2TokenizerJSON;

/** An id that is not a token of the tokenizer (decode). */
export class TokenIdError extends NablaError {
  override name = "TokenIdError";
}

/** A character that a character-level tokenizer has no token for (encode). */
export class UnknownCharacterError extends NablaError {
  override name = "UnknownCharacterError";
  constructor(
    message: string,
    /** The character, one code point. */
    readonly character: string,
    /** Its index in the text counted in characters (code points), from 0. */
    readonly index: number,
    /** Its line and column in the text, from 1 (columns count characters). */
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Checks that every id is an integer in 0..vocabSize-1, naming the first one that is not. */
export function checkIds(op: string, ids: ArrayLike<number>, vocabSize: number): void {
  if (ids === null || typeof ids !== "object" || typeof ids.length !== "number")
    throw new TokenIdError(`${op}: ids must be an array of token ids, got ${describe(ids)}`);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(Number.isInteger(id) && id >= 0 && id < vocabSize))
      throw new TokenIdError(
        `${op}: ids[${i}] = ${describe(id)} is not a token id (integers 0..${vocabSize - 1})`,
      );
  }
}

/** Writes a character for an error message: visible, and its code point. */
export function showChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  return `${JSON.stringify(ch)} (U+${hex})`;
}

export function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "number" || typeof v === "boolean" || v == null) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v === "object" ? "an object" : typeof v;
}

/** A reader of one saved tokenizer that throws FileFormatError("op: source: message"). */
export class JsonReader {
  constructor(
    readonly op: string,
    readonly source: string,
  ) {}

  fail(message: string): never {
    throw new FileFormatError(`${this.op}: ${this.source}: ${message}`);
  }

  object(v: unknown, what: string): Record<string, unknown> {
    if (v === null || typeof v !== "object" || Array.isArray(v))
      this.fail(`${what} must be a JSON object, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  array(v: unknown, what: string): unknown[] {
    if (!Array.isArray(v)) this.fail(`${what} must be an array, got ${describe(v)}`);
    return v;
  }

  /** Checks the "version" field against the versions this code reads. */
  version(obj: Record<string, unknown>, known: readonly number[]): void {
    if (obj.version === undefined) this.fail(`the "version" field is missing`);
    if (!known.includes(obj.version as number))
      this.fail(
        `version ${describe(obj.version)} is not one this nabla reads (${known.join(", ")}); ` +
          `was it saved by a newer nabla?`,
      );
  }
}
