// Tokenizer files: each kind saves and loads back identical, and a missing, truncated, non-JSON or
// malformed file is an error naming the file and the problem, never a crash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileFormatError } from "../../src/io/index.js";
import {
  BpeTokenizer,
  CharTokenizer,
  gpt2Tokenizer,
  loadTokenizer,
  SAMPLE_TEXT,
  saveTokenizer,
} from "../../src/text/index.js";

function withDir(fn: (dir: string) => void): () => void {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-text-"));
    try {
      fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  "every kind of tokenizer saves and loads back the same",
  withDir((dir) => {
    const text = SAMPLE_TEXT + " \ud800 😀";
    for (const tok of [CharTokenizer.fromText(text), BpeTokenizer.train(text, 300), gpt2Tokenizer()]) {
      const path = join(dir, `${tok.type}.json`);
      saveTokenizer(path, tok);
      const back = loadTokenizer(path);
      assert.equal(back.type, tok.type);
      assert.equal(back.vocabSize, tok.vocabSize);
      assert.deepEqual(back.toJSON(), tok.toJSON());
      assert.deepEqual(back.encode(SAMPLE_TEXT), tok.encode(SAMPLE_TEXT));
      assert.equal(JSON.parse(readFileSync(path, "utf8")).version, 1);
    }
  }),
);

test(
  "missing, empty, truncated, non-JSON and malformed files are errors naming the file",
  withDir((dir) => {
    assert.throws(
      () => loadTokenizer(join(dir, "nope.json")),
      /loadTokenizer: .*nope\.json: no such file or directory/,
    );
    assert.throws(() => loadTokenizer(dir), /is a directory, not a file/);
    const path = join(dir, "tok.json");
    saveTokenizer(path, BpeTokenizer.train(SAMPLE_TEXT, 300));
    const good = readFileSync(path, "utf8");
    const cases: [string, RegExp][] = [
      ["", /not valid JSON/],
      [good.slice(0, good.length / 2), /not valid JSON/],
      ["hello", /not valid JSON/],
      ["null", /the tokenizer must be a JSON object, got null/],
      ['{"type":"bpe","version":1,"preSplit":"words"}', /"merges" must be an array, got undefined/],
      [
        '{"type":"bpe","version":1,"preSplit":"words","merges":[[1,2],[300,1]]}',
        /merges\[1\] must be a pair/,
      ],
      ['{"type":"char","version":1,"chars":["a"]}', /^(?!.*undefined)/], // unknown omitted: accepted as null
      ['{"version":1}', /"type" must be one of "char", "bpe", "gpt2", got nothing/],
    ];
    for (const [content, re] of cases) {
      writeFileSync(path, content);
      if (content.includes('"chars"')) {
        assert.equal(loadTokenizer(path).vocabSize, 1);
        continue;
      }
      assert.throws(
        () => loadTokenizer(path),
        (e: Error) => e instanceof FileFormatError && re.test(e.message) && e.message.includes(path),
        content,
      );
    }
  }),
);
