// GPT-2's tokenizer through gpt-tokenizer's bundled r50k_base tables: known encodings, round-trips,
// <|endoftext|> as plain text, id checks and the JSON form.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { END_OF_TEXT_ID, gpt2Tokenizer, SAMPLE_TEXT, tokenizerFromJSON } from "../../src/text/index.js";

test("known GPT-2 encodings", () => {
  const tok = gpt2Tokenizer();
  assert.equal(tok.vocabSize, 50257);
  assert.deepEqual(tok.encode("Hello world"), [15496, 995]);
  assert.deepEqual(tok.encode(" the"), [262]);
  assert.deepEqual(tok.encode(""), []);
  assert.equal(tok.decode([15496, 11, 995, 0]), "Hello, world!");
  assert.equal(tok.decode([END_OF_TEXT_ID]), "<|endoftext|>");
});

test("<|endoftext|> inside the text is plain text, not the special token", () => {
  const ids = gpt2Tokenizer().encode("a<|endoftext|>b");
  assert.ok(!ids.includes(END_OF_TEXT_ID));
  assert.equal(gpt2Tokenizer().decode(ids), "a<|endoftext|>b");
});

test("decode(encode(s)) === s for well-formed strings (full Unicode, emoji)", () => {
  const tok = gpt2Tokenizer();
  assert.equal(tok.decode(tok.encode(SAMPLE_TEXT)), SAMPLE_TEXT);
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" })), (s) => {
      assert.equal(tok.decode(tok.encode(s)), s);
    }),
    { numRuns: 100 },
  );
  assert.equal(tok.decode(tok.encode("\ud800")), "\ufffd"); // UTF-8 has no lone surrogates
});

test("ids outside 0..50256 are errors; the JSON form names the encoding", () => {
  const tok = gpt2Tokenizer();
  assert.throws(
    () => tok.decode([15496, 50257]),
    /ids\[1\] = 50257 is not a token id \(integers 0\.\.50256\)/,
  );
  assert.deepEqual(tok.toJSON(), { type: "gpt2", version: 1, encoding: "r50k_base" });
  assert.equal(tokenizerFromJSON(tok.toJSON()), tok);
  assert.throws(
    () => tokenizerFromJSON({ type: "gpt2", version: 1, encoding: "cl100k_base" }),
    /"encoding" must be "r50k_base", got "cl100k_base"/,
  );
});

test("decode keeps no state between calls: a partial character does not leak into the next decode", () => {
  const t = gpt2Tokenizer();
  const whale = t.encode("🐋");
  assert.ok(whale.length > 1);
  assert.equal(t.decode(whale.slice(0, 1)), "\uFFFD");
  assert.equal(t.decode(whale), "🐋");
  const bytes = whale.flatMap((id) => Array.from(t.tokenBytes(id)));
  assert.deepEqual(bytes, Array.from(new TextEncoder().encode("🐋")));
});
