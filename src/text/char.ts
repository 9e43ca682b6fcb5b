// Character-level tokenizer: one token per code point seen in a text (sorted by code point), as in
// char-rnn and nanoGPT's Shakespeare demo. An unknown character throws, or maps to a chosen one.
import {
  checkIds,
  JsonReader,
  showChar,
  UnknownCharacterError,
  type CharTokenizerJSON,
  type Tokenizer,
} from "./tokenizer.js";
import { NablaError } from "../index.js";

export interface CharTokenizerOptions {
  /**
   * A character (one code point) to encode unknown characters as, added to the vocabulary if the
   * text lacks it ("\uFFFD" or "?", say). Without it, encoding an unknown character throws an
   * UnknownCharacterError naming the character and where it is.
   */
  unknown?: string;
}

/** The distinct code points of a text (a lone surrogate counts as one), sorted by code point. */
function distinctChars(text: string): string[] {
  const seen = new Set<number>();
  for (const ch of text) seen.add(ch.codePointAt(0)!);
  return [...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
}

function isOneCodePoint(s: unknown): s is string {
  if (typeof s !== "string" || s.length === 0 || s.length > 2) return false;
  return s.length === 1 || s.codePointAt(0)! > 0xffff;
}

export class CharTokenizer implements Tokenizer {
  readonly type = "char" as const;
  /** Id i is chars[i]. */
  readonly chars: readonly string[];
  /** The replacement for unknown characters, or null. */
  readonly unknown: string | null;
  private readonly ids = new Map<number, number>(); // code point → id
  private readonly unknownId: number;

  /** Use `CharTokenizer.fromText` or `fromJSON`; `chars` must be distinct single code points. */
  constructor(chars: readonly string[], unknown: string | null = null) {
    const op = "CharTokenizer";
    if (!Array.isArray(chars)) throw new NablaError(`${op}: chars must be an array of characters`);
    chars.forEach((ch, i) => {
      if (!isOneCodePoint(ch))
        throw new NablaError(
          `${op}: chars[${i}] must be one character (code point), got ${JSON.stringify(ch)}`,
        );
      const cp = ch.codePointAt(0)!;
      if (this.ids.has(cp)) throw new NablaError(`${op}: chars[${i}] = ${showChar(ch)} appears twice`);
      this.ids.set(cp, i);
    });
    if (unknown !== null && !(isOneCodePoint(unknown) && this.ids.has(unknown.codePointAt(0)!)))
      throw new NablaError(`${op}: the unknown character ${JSON.stringify(unknown)} must be one of chars`);
    this.chars = Object.freeze([...chars]);
    this.unknown = unknown;
    this.unknownId = unknown === null ? -1 : this.ids.get(unknown.codePointAt(0)!)!;
  }

  /** A tokenizer over the distinct characters of `text` (plus `opts.unknown`). */
  static fromText(text: string, opts: CharTokenizerOptions = {}): CharTokenizer {
    const op = "CharTokenizer.fromText";
    if (typeof text !== "string") throw new NablaError(`${op}: text must be a string, got ${typeof text}`);
    const unknown = opts.unknown ?? null;
    if (unknown !== null && !isOneCodePoint(unknown))
      throw new NablaError(
        `${op}: unknown must be one character (code point), got ${JSON.stringify(unknown)}`,
      );
    return new CharTokenizer(distinctChars(unknown === null ? text : text + unknown), unknown);
  }

  get vocabSize(): number {
    return this.chars.length;
  }

  /** The id of one character, or undefined. */
  idOf(ch: string): number | undefined {
    return isOneCodePoint(ch) ? this.ids.get(ch.codePointAt(0)!) : undefined;
  }

  encode(text: string): number[] {
    if (typeof text !== "string")
      throw new NablaError(`CharTokenizer.encode: text must be a string, got ${typeof text}`);
    const out: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      let id = this.ids.get(cp);
      if (id === undefined) {
        if (this.unknownId < 0) this.throwUnknown(text, i - (cp > 0xffff ? 1 : 0));
        id = this.unknownId;
      }
      out.push(id);
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    checkIds("CharTokenizer.decode", ids, this.chars.length);
    let s = "";
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]!]!;
    return s;
  }

  toJSON(): CharTokenizerJSON {
    return { type: "char", version: 1, chars: [...this.chars], unknown: this.unknown };
  }

  /** Rebuilds a tokenizer from `toJSON()`'s object; a malformed one is a FileFormatError naming `source`. */
  static fromJSON(json: unknown, source = "tokenizer JSON"): CharTokenizer {
    const r: JsonReader = new JsonReader("CharTokenizer.fromJSON", source);
    const obj = r.object(json, "the tokenizer");
    if (obj.type !== "char") r.fail(`type must be "char", got ${JSON.stringify(obj.type)}`);
    r.version(obj, [1]);
    const chars = r.array(obj.chars, `"chars"`);
    const seen = new Set<string>();
    chars.forEach((ch, i) => {
      if (!isOneCodePoint(ch))
        r.fail(`chars[${i}] must be a one-character string, got ${JSON.stringify(ch)}`);
      if (seen.has(ch)) r.fail(`chars[${i}] = ${showChar(ch)} appears twice`);
      seen.add(ch);
    });
    const unknown = obj.unknown ?? null;
    if (unknown !== null && !(typeof unknown === "string" && seen.has(unknown)))
      r.fail(`"unknown" must be null or one of "chars", got ${JSON.stringify(unknown)}`);
    return new CharTokenizer(chars as string[], unknown as string | null);
  }

  /** Throws the UnknownCharacterError for the character at UTF-16 offset `offset` of `text`. */
  private throwUnknown(text: string, offset: number): never {
    const ch = String.fromCodePoint(text.codePointAt(offset)!);
    let index = 0;
    let line = 1;
    let column = 1;
    for (let i = 0; i < offset; i++) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      index++;
      if (cp === 0x0a) {
        line++;
        column = 1;
      } else column++;
    }
    throw new UnknownCharacterError(
      `CharTokenizer.encode: character ${showChar(ch)} at line ${line}, column ${column} ` +
        `(character ${index}) is not in the vocabulary of ${this.chars.length} characters; ` +
        `build the tokenizer from a text that has it, or give it { unknown: "?" } to map unknown characters`,
      ch,
      index,
      line,
      column,
    );
  }
}
