// WTF-8: every JS string survives encode → decode (lone surrogates too), well-formed text encodes as
// UTF-8 does, and any bytes decode without throwing, as TextDecoder would apart from surrogates.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeSlowly, wtf8Decode, wtf8Encode } from "../../src/text/wtf8.js";
import { surrogateHeavy, utf16Units } from "./arbitraries.js";

test("round-trips every string: full Unicode, graphemes, arbitrary UTF-16 units", () => {
  for (const arb of [
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme" }),
    utf16Units,
    surrogateHeavy,
  ])
    fc.assert(
      fc.property(arb, (s) => {
        assert.equal(wtf8Decode(wtf8Encode(s)), s);
        assert.equal(decodeSlowly(wtf8Encode(s)), s);
      }),
      { numRuns: 300 },
    );
});

test("well-formed strings encode exactly as UTF-8 (TextEncoder)", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (s) => {
      assert.deepEqual(wtf8Encode(s), new TextEncoder().encode(s));
    }),
  );
});

test("a lone surrogate gets its 3-byte generalized UTF-8 form, a pair its 4-byte code point", () => {
  assert.deepEqual([...wtf8Encode("\ud800")], [0xed, 0xa0, 0x80]);
  assert.deepEqual([...wtf8Encode("\udfff")], [0xed, 0xbf, 0xbf]);
  assert.deepEqual([...wtf8Encode("\ud83d\ude00")], [0xf0, 0x9f, 0x98, 0x80]);
  assert.deepEqual([...wtf8Encode("\ude00\ud83d")], [0xed, 0xb8, 0x80, 0xed, 0xa0, 0xbd]);
  assert.equal(wtf8Decode([0xed, 0xb8, 0x80, 0xed, 0xa0, 0xbd]), "\ude00\ud83d");
  assert.equal(wtf8Decode([0xef, 0xbb, 0xbf, 0x41]), "\ufeffA"); // a leading BOM is kept
});

test("any bytes decode like TextDecoder (one U+FFFD per maximal ill-formed subpart) unless they spell a surrogate", () => {
  const td = new TextDecoder("utf-8", { ignoreBOM: true });
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0xed, 0xa0, 0x80, 0xbf, 0xf0, 0xf4, 0xe0)),
        {
          maxLength: 40,
        },
      ),
      (bytes) => {
        const u8 = Uint8Array.from(bytes);
        const hasSurrogateForm = bytes.some((b, i) => b === 0xed && (bytes[i + 1] ?? 0) >= 0xa0);
        if (!hasSurrogateForm) assert.equal(decodeSlowly(u8), td.decode(u8));
        assert.equal(wtf8Decode(u8), decodeSlowly(u8));
        assert.equal(typeof wtf8Decode(u8), "string");
      },
    ),
    { numRuns: 2000 },
  );
  assert.equal(wtf8Decode([0xff, 0x41, 0xc3]), "\ufffdA\ufffd");
  assert.equal(wtf8Decode([0xe2, 0x82, 0x41]), "\ufffdA"); // a truncated sequence: one U+FFFD
  assert.equal(wtf8Decode([0xf0, 0x80, 0x80]), "\ufffd\ufffd\ufffd"); // an overlong form: byte by byte
  assert.equal(wtf8Decode([0xed, 0xa0]), "\ufffd");
});

test("long inputs decode in pieces without overflowing the argument list", () => {
  const s = "\ud800" + "ab\u00e9".repeat(40_000);
  assert.equal(wtf8Decode(wtf8Encode(s)), s);
});
