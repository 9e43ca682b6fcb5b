// Byte-level BPE: training matches a naive trainer merge for merge, encoding matches applying the
// merges one by one, decode∘encode is the identity on any JS string, and saved JSON is validated.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FileFormatError } from "../../src/io/index.js";
import {
  BpeTokenizer,
  SAMPLE_TEXT,
  TokenIdError,
  preSplit,
  tokenizerFromJSON,
  type PreSplit,
} from "../../src/text/index.js";
import { wtf8Encode } from "../../src/text/wtf8.js";
import { anyString, smallAlphabetText } from "./arbitraries.js";

/** The textbook trainer: recount every pair after every merge. */
function naiveMerges(text: string, numMerges: number, mode: PreSplit, minFrequency = 2): [number, number][] {
  const words = preSplit(text, mode).map((c) => [...wtf8Encode(c)]);
  const merges: [number, number][] = [];
  while (merges.length < numMerges) {
    const counts = new Map<string, number>();
    for (const w of words)
      for (let i = 0; i + 1 < w.length; i++)
        counts.set(`${w[i]},${w[i + 1]}`, (counts.get(`${w[i]},${w[i + 1]}`) ?? 0) + 1);
    let best: [number, number] | null = null;
    let bestCount = 0;
    for (const [k, c] of counts) {
      const [a, b] = k.split(",").map(Number) as [number, number];
      if (c > bestCount || (c === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b];
        bestCount = c;
      }
    }
    if (!best || bestCount < minFrequency) break;
    merges.push(best);
    for (const w of words) mergeInPlace(w, best, 256 + merges.length - 1);
  }
  return merges;
}

/** Replaces each occurrence of the pair, left to right, by id. */
function mergeInPlace(w: number[], [a, b]: [number, number], id: number): void {
  for (let i = 0; i + 1 < w.length; i++) if (w[i] === a && w[i + 1] === b) w.splice(i, 2, id);
}

/** The textbook encoder: apply every merge, in order, to every chunk. */
function naiveEncode(tok: BpeTokenizer, text: string): number[] {
  return preSplit(text, tok.preSplit).flatMap((c) => {
    const w = [...wtf8Encode(c)];
    tok.merges.forEach(([a, b], r) => mergeInPlace(w, [a, b], 256 + r));
    return w;
  });
}

test("the textbook example: aaabdaaabac", () => {
  const tok = BpeTokenizer.train("aaabdaaabac", 259, { preSplit: "none" });
  // aa (4 times) first; then ab and Za tie at 2 and the smaller pair wins; then Z·ab.
  assert.deepEqual(tok.merges, [
    [97, 97],
    [97, 98],
    [256, 257],
  ]);
  assert.deepEqual(tok.encode("aaabdaaabac"), [258, 100, 258, 97, 99]);
  assert.equal(tok.decode([258]), "aaab");
  assert.equal(tok.vocabSize, 259);
});

test("training stops when no pair is frequent enough", () => {
  assert.equal(BpeTokenizer.train("abcdef", 1000).vocabSize, 256);
  assert.equal(BpeTokenizer.train("abab", 1000, { preSplit: "none", minFrequency: 3 }).vocabSize, 256);
  assert.equal(BpeTokenizer.train("", 300).vocabSize, 256);
});

test("incremental training learns the same merges as recounting from scratch", () => {
  fc.assert(
    fc.property(
      smallAlphabetText,
      fc.constantFrom<PreSplit>("words", "none"),
      fc.integer({ min: 0, max: 40 }),
      (text, mode, n) => {
        assert.deepEqual(
          BpeTokenizer.train(text, 256 + n, { preSplit: mode }).merges,
          naiveMerges(text, n, mode),
        );
      },
    ),
    { numRuns: 150 },
  );
  for (const mode of ["words", "none"] as const)
    assert.deepEqual(
      BpeTokenizer.train(SAMPLE_TEXT, 400, { preSplit: mode }).merges,
      naiveMerges(SAMPLE_TEXT, 144, mode),
    );
});

test("encoding equals applying the merges one at a time, in order", () => {
  const toks = [
    BpeTokenizer.train(SAMPLE_TEXT, 500),
    BpeTokenizer.train(SAMPLE_TEXT, 400, { preSplit: "none" }),
  ];
  for (const tok of toks) {
    assert.deepEqual(tok.encode(SAMPLE_TEXT), naiveEncode(tok, SAMPLE_TEXT));
    fc.assert(
      fc.property(fc.oneof(smallAlphabetText, fc.string({ unit: "grapheme-ascii" })), (s) => {
        assert.deepEqual(tok.encode(s), naiveEncode(tok, s));
      }),
      { numRuns: 200 },
    );
  }
  // Overlapping pairs merge left to right: aaaaa → (aa)(aa)a.
  const aa = BpeTokenizer.train("aaaa aaaa", 257, { preSplit: "none" });
  assert.deepEqual(aa.encode("aaaaa"), [256, 256, 97]);
});

test("decode(encode(s)) === s for any string: full Unicode, arbitrary UTF-16 units, lone surrogates, emoji", () => {
  const trainedOn = SAMPLE_TEXT + " 😀😀😀 \ud800\ud800 été été";
  for (const tok of [
    BpeTokenizer.train(trainedOn, 600),
    BpeTokenizer.train(trainedOn, 450, { preSplit: "none" }),
  ])
    fc.assert(
      fc.property(anyString, (s) => {
        assert.equal(tok.decode(tok.encode(s)), s);
      }),
      { numRuns: 400 },
    );
});

test("decoding any id sequence gives a string, with U+FFFD for bytes that are not UTF-8", () => {
  const tok = BpeTokenizer.train(SAMPLE_TEXT, 300);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: tok.vocabSize - 1 })), (ids) => {
      assert.equal(typeof tok.decode(ids), "string");
    }),
  );
  assert.equal(tok.decode([0xe2]), "\ufffd");
  assert.equal(tok.decode([0xe2, 0x80, 0x94]), "—"); // a character split across tokens joins up
  assert.equal(tok.decode(Int32Array.of(72, 105)), "Hi");
});

test("bad ids and bad arguments are errors that say what is wrong", () => {
  const tok = BpeTokenizer.train(SAMPLE_TEXT, 300);
  assert.throws(
    () => tok.decode([1, 300]),
    (e: Error) => e instanceof TokenIdError && /ids\[1\] = 300 .*0\.\.299/.test(e.message),
  );
  assert.throws(() => tok.decode([1.5]), /ids\[0\] = 1.5/);
  assert.throws(() => tok.decode([-1]), /ids\[0\] = -1/);
  assert.throws(() => BpeTokenizer.train(SAMPLE_TEXT, 100), /vocabSize must be an integer from 256/);
  assert.throws(
    () => BpeTokenizer.train(SAMPLE_TEXT, 300, { preSplit: "lines" as PreSplit }),
    /preSplit must be/,
  );
  assert.throws(
    () => new BpeTokenizer([[97]] as unknown as [number, number][]),
    /merges\[0\] = \[97\] must pair/,
  );
  assert.throws(
    () => new BpeTokenizer([[97, 256]]),
    /merges\[0\] = \[97,256\] must pair two tokens below 256/,
  );
});

test("pre-split chunks always join back to the text, and a word takes the space before it", () => {
  fc.assert(
    fc.property(anyString, (s) => {
      assert.equal(preSplit(s, "words").join(""), s);
    }),
    { numRuns: 500 },
  );
  assert.deepEqual(preSplit("Hello,  world 42!\n", "words"), ["Hello", ",", " ", " world", " 42", "!", "\n"]);
});

test("JSON round-trip, and malformed JSON is a FileFormatError naming the field", () => {
  const tok = BpeTokenizer.train(SAMPLE_TEXT, 320);
  const json = JSON.parse(JSON.stringify(tok.toJSON()));
  assert.equal(json.version, 1);
  const back = tokenizerFromJSON(json);
  assert.ok(back instanceof BpeTokenizer);
  assert.deepEqual(back.encode(SAMPLE_TEXT), tok.encode(SAMPLE_TEXT));
  const bad = (patch: object, re: RegExp): void =>
    assert.throws(
      () => tokenizerFromJSON({ ...json, ...patch }, "tok.json"),
      (e: Error) => e instanceof FileFormatError && re.test(e.message) && e.message.includes("tok.json"),
    );
  bad({ version: 2 }, /version 2 is not one this nabla reads/);
  bad({ version: undefined }, /"version" field is missing/);
  bad({ merges: "x" }, /"merges" must be an array/);
  bad({ merges: [[97, 97], [97]] }, /merges\[1\] must be a pair/);
  bad({ merges: [[97, 300]] }, /merges\[0\] must be a pair \[a, b\] of token ids below 256/);
  bad(
    {
      merges: [
        [97, 97],
        [97, 97],
      ],
    },
    /merges\[1\] = \[97,97\] repeats/,
  );
  bad({ preSplit: "lines" }, /"preSplit" must be "words" or "none"/);
});
