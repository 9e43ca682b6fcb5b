// Texts to train the tiny GPT on: nabla's own sample prose (src/text/sample.ts) and two short,
// very regular texts written for this page, which a tiny model learns in seconds.
import { SAMPLE_TEXT } from "../../text/sample.js";

export interface TextPreset {
  id: string;
  name: string;
  text: string;
}

const COUNTING =
  Array.from({ length: 40 }, (_, i) => `${i + 1} is ${i % 2 ? "odd" : "even"}.`).join("\n") + "\n";

const RHYME = `the cat sat on the mat.
the dog sat on the log.
the frog sat on the bog.
the hen sat on the pen.
the bee sat on the tree.
the fox sat on the box.
the goat sat on the boat.
the mouse sat on the house.
`.repeat(4);

export const TEXTS: readonly TextPreset[] = [
  { id: "rhyme", name: "Who sat where (tiny, regular)", text: RHYME },
  { id: "counting", name: "Odd and even (tiny, regular)", text: COUNTING },
  { id: "lighthouse", name: "The lighthouse keeper (3 KB of prose)", text: SAMPLE_TEXT },
];
