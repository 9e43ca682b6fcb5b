// GPT-2's tokenizer (tiktoken's r50k_base: 50 256 byte-level BPE tokens + <|endoftext|>), through
// the gpt-tokenizer package, whose encoding tables ship inside it: nothing is downloaded.
//
// encode treats the text as plain text: "<|endoftext|>" in it is spelled out in ordinary tokens, as
// tiktoken's encode_ordinary does; use END_OF_TEXT_ID to add the special token. GPT-2 encodes UTF-8,
// so a lone surrogate in the text comes back from decode as U+FFFD (the byte-level BpeTokenizer keeps
// it); every well-formed string round-trips.
import * as r50k from "gpt-tokenizer/encoding/r50k_base";
import r50kRanks from "gpt-tokenizer/bpeRanks/r50k_base";
import { NablaError } from "../index.js";
import { checkIds, JsonReader, type Gpt2TokenizerJSON, type Tokenizer } from "./tokenizer.js";

/** The id of <|endoftext|>, GPT-2's only special token and its last id. */
export const END_OF_TEXT_ID = 50256;

const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };
const utf8 = new TextEncoder();

export class Gpt2Tokenizer implements Tokenizer {
  readonly type = "gpt2" as const;
  readonly encoding = "r50k_base" as const;
  readonly vocabSize: number = r50k.vocabularySize;

  encode(text: string): number[] {
    if (typeof text !== "string")
      throw new NablaError(`Gpt2Tokenizer.encode: text must be a string, got ${typeof text}`);
    return r50k.encode(text, PLAIN_TEXT);
  }

  /**
   * The UTF-8 bytes token `id` stands for (a token may hold part of a character), so streams can
   * hold back incomplete characters.
   */
  tokenBytes(id: number): Uint8Array {
    checkIds("Gpt2Tokenizer.tokenBytes", [id], this.vocabSize);
    if (id === END_OF_TEXT_ID) return utf8.encode("<|endoftext|>");
    const entry = (r50kRanks as (string | number[])[])[id]!;
    return typeof entry === "string" ? utf8.encode(entry) : Uint8Array.from(entry);
  }

  /**
   * Decodes with a fresh decoder each call: the package's own decode keeps a streaming decoder
   * between calls, so ids that end mid-character would corrupt the next call's text.
   */
  decode(ids: ArrayLike<number>): string {
    checkIds("Gpt2Tokenizer.decode", ids, this.vocabSize);
    const parts = Array.from(ids, (id) => this.tokenBytes(id));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return new TextDecoder("utf-8").decode(bytes);
  }

  toJSON(): Gpt2TokenizerJSON {
    return { type: "gpt2", version: 1, encoding: "r50k_base" };
  }

  static fromJSON(json: unknown, source = "tokenizer JSON"): Gpt2Tokenizer {
    const r: JsonReader = new JsonReader("Gpt2Tokenizer.fromJSON", source);
    const obj = r.object(json, "the tokenizer");
    if (obj.type !== "gpt2") r.fail(`type must be "gpt2", got ${JSON.stringify(obj.type)}`);
    r.version(obj, [1]);
    if (obj.encoding !== "r50k_base")
      r.fail(`"encoding" must be "r50k_base", got ${JSON.stringify(obj.encoding)}`);
    return gpt2Tokenizer();
  }
}

let shared: Gpt2Tokenizer | null = null;

/** GPT-2's tokenizer (stateless, so one shared instance). */
export function gpt2Tokenizer(): Gpt2Tokenizer {
  return (shared ??= new Gpt2Tokenizer());
}
