// Character-level tokenizer: the vocabulary is the text's code points in code-point order, encode and
// decode invert each other, an unknown character is an error naming it and where it is (or maps to
// the replacement), and the JSON form round-trips and is validated.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FileFormatError } from "../../src/io/index.js";
import {
  CharTokenizer,
  SAMPLE_TEXT,
  TokenIdError,
  UnknownCharacterError,
  tokenizerFromJSON,
} from "../../src/text/index.js";
import { anyString } from "./arbitraries.js";

test("the vocabulary is the distinct code points, sorted by code point (not by UTF-16 unit)", () => {
  // U+FB01 sorts after U+1F600 by UTF-16 units (0xD83D < 0xFB01) but before it by code point.
  const tok = CharTokenizer.fromText("b😀a\uFB01a\u{1F600}");
  assert.deepEqual(tok.chars, ["a", "b", "\uFB01", "😀"]);
  assert.equal(tok.vocabSize, 4);
  assert.deepEqual(tok.encode("ab😀\uFB01"), [0, 1, 3, 2]);
  assert.equal(tok.decode([3, 0]), "😀a");
  assert.equal(tok.idOf("😀"), 3);
  assert.equal(tok.idOf("ab"), undefined);
});

test("decode(encode(s)) === s for any string the tokenizer was built from, lone surrogates included", () => {
  fc.assert(
    fc.property(anyString, anyString, (built, part) => {
      const tok = CharTokenizer.fromText(built + " " + part); // the space keeps a pair from forming at the join
      assert.equal(tok.decode(tok.encode(part)), part);
      assert.equal(tok.encode(part).length, [...part].length); // one id per code point
    }),
    { numRuns: 300 },
  );
  const s = "\ud800x\udc00\ud83d\ude00\ude00";
  const tok = CharTokenizer.fromText(s);
  assert.deepEqual(tok.chars, ["x", "\ud800", "\udc00", "\ude00", "😀"]); // three lone surrogates, one pair
  assert.deepEqual(tok.encode(s), [1, 0, 2, 4, 3]);
});

test("an unknown character is an UnknownCharacterError with the character, line and column", () => {
  const tok = CharTokenizer.fromText("abc\n ");
  assert.throws(
    () => tok.encode("ab\n a😀cz"),
    (e: unknown) => {
      assert.ok(e instanceof UnknownCharacterError);
      assert.equal(e.character, "😀");
      assert.equal(e.index, 5);
      assert.equal(e.line, 2);
      assert.equal(e.column, 3);
      assert.match(e.message, /character "😀" \(U\+1F600\) at line 2, column 3 \(character 5\)/);
      assert.match(e.message, /vocabulary of 5 characters/);
      return true;
    },
  );
  assert.throws(() => tok.encode("\ud800"), /"\\ud800" \(U\+D800\) at line 1, column 1/);
});

test("with { unknown }, unknown characters map to the replacement, added to the vocabulary", () => {
  const tok = CharTokenizer.fromText("abc", { unknown: "?" });
  assert.deepEqual(tok.chars, ["?", "a", "b", "c"]);
  assert.equal(tok.decode(tok.encode("a😀zc")), "a??c");
  assert.equal(CharTokenizer.fromText("a?b", { unknown: "?" }).vocabSize, 3); // already there
  assert.throws(() => CharTokenizer.fromText("abc", { unknown: "??" }), /unknown must be one character/);
});

test("decode rejects ids outside the vocabulary, naming the position", () => {
  const tok = CharTokenizer.fromText("abc");
  assert.throws(
    () => tok.decode([0, 3]),
    (e: Error) => e instanceof TokenIdError && /ids\[1\] = 3 .*0\.\.2/.test(e.message),
  );
  assert.throws(() => tok.decode([NaN]), /ids\[0\] = NaN/);
  assert.throws(() => tok.decode("ab" as unknown as number[]), /ids must be an array/);
  assert.throws(() => tok.encode(5 as unknown as string), /text must be a string, got number/);
});

test("JSON round-trip (lone surrogates and astral characters survive), and malformed JSON is reported", () => {
  const tok = CharTokenizer.fromText(SAMPLE_TEXT + "\ud800😀", { unknown: "\uFFFD" });
  const json = JSON.parse(JSON.stringify(tok.toJSON()));
  assert.deepEqual(json, tok.toJSON());
  const back = tokenizerFromJSON(json) as CharTokenizer;
  assert.deepEqual(back.chars, tok.chars);
  assert.equal(back.unknown, "\uFFFD");
  assert.deepEqual(back.encode(SAMPLE_TEXT + "§"), tok.encode(SAMPLE_TEXT + "§"));
  const bad = (patch: object, re: RegExp): void =>
    assert.throws(
      () => tokenizerFromJSON({ ...json, ...patch }, "chars.json"),
      (e: Error) => e instanceof FileFormatError && re.test(e.message) && e.message.includes("chars.json"),
    );
  bad({ chars: ["a", "bc"] }, /chars\[1\] must be a one-character string, got "bc"/);
  bad({ chars: ["a", "a"] }, /chars\[1\] = "a" \(U\+0061\) appears twice/);
  bad({ chars: ["a", 7] }, /chars\[1\] must be a one-character string, got 7/);
  bad({ chars: null }, /"chars" must be an array/);
  bad({ unknown: "€" }, /"unknown" must be null or one of "chars"/);
  bad({ version: 99 }, /version 99 is not one this nabla reads/);
  bad({ type: "word" }, /"type" must be one of "char", "bpe", "gpt2", got "word"/);
  assert.throws(() => tokenizerFromJSON([1, 2]), /the tokenizer must be a JSON object, got an array/);
});
