// fast-check arbitraries shared by the text tests: strings of every kind a JS program can hold.
import fc from "fast-check";

/** Strings of arbitrary UTF-16 code units: lone and reversed surrogates included. */
export const utf16Units = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
});

/** Mostly surrogates, with a few letters, an emoji, the last code point and a BOM. */
export const surrogateHeavy = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    fc.constantFrom("a", "é", "😀", "\u{10FFFF}", "\uFEFF"),
  ),
});

/** Every kind at once: full Unicode code points, graphemes, UTF-16 units, surrogate-heavy strings. */
export const anyString = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  utf16Units,
  surrogateHeavy,
);

/** Text from a small alphabet, so pairs repeat and merges (and ties between them) happen. */
export const smallAlphabetText = fc.string({
  unit: fc.constantFrom("a", "b", "c", " ", "\n", ".", "é", "😀", "\ud800"),
  maxLength: 200,
});
