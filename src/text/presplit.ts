// The pre-split of byte-level BPE: cuts text into word-like chunks so that merges never cross a
// word boundary. The chunks always join back to the text, whatever it holds.
//
// A chunk is one of: an optional space and a run of letters (with combining marks), an optional
// space and a run of digits, an optional space and a run of other symbols (punctuation, emoji, lone
// surrogates…), or a run of whitespace. A space directly before a word goes with the word (" the"),
// as in GPT-2, so "the" and " the" become distinct tokens and spaces rarely stand alone; a longer
// whitespace run leaves its last space to the word that follows.
const CHUNK = / ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+/gu;

export type PreSplit = "words" | "none";

export const PRE_SPLITS: readonly PreSplit[] = ["words", "none"];

/** The chunks of `text` under `mode` ("none": the whole text is one chunk). */
export function preSplit(text: string, mode: PreSplit): string[] {
  if (mode === "none") return text.length ? [text] : [];
  return text.match(CHUNK) ?? [];
}
