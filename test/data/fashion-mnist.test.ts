// loadFashionMnist on generated IDX files (gzipped and not): shapes, scaling, options, and the
// errors for a missing dataset and malformed files. A smoke test of the real dataset is
// registered only where Debian's dataset-fashion-mnist package is installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, loadFashionMnist } from "../../src/data/index.js";
import { idxBytes } from "./idx-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-fmnist-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** A fake split: image i has every pixel equal to 10·i, label i % 10. */
function writeSplit(
  root: string,
  prefix: "train" | "t10k",
  n: number,
  gzip: boolean,
  opts: { dims?: number[]; labels?: number[] } = {},
) {
  const pixels = new Uint8Array(n * 784).map((_, j) => 10 * Math.floor(j / 784));
  const labels = opts.labels ?? Array.from({ length: n }, (_, i) => i % 10);
  const ext = gzip ? ".gz" : "";
  writeFileSync(
    join(root, `${prefix}-images-idx3-ubyte${ext}`),
    idxBytes(0x08, opts.dims ?? [n, 28, 28], pixels, { gzip }),
  );
  writeFileSync(
    join(root, `${prefix}-labels-idx1-ubyte${ext}`),
    idxBytes(0x08, [labels.length], labels, { gzip }),
  );
}

function freshRoot(): string {
  return mkdtempSync(join(dir, "root-"));
}

test("loads a split: images float32 [N, 1, 28, 28] in [0, 1], labels int32 [N], class names", () => {
  const root = freshRoot();
  writeSplit(root, "train", 12, true);
  writeSplit(root, "t10k", 5, false);
  const train = loadFashionMnist({ root });
  assert.deepEqual(train.images.shape, [12, 1, 28, 28]);
  assert.equal(train.images.dtype, "float32");
  assert.equal(train.labels.dtype, "int32");
  assert.deepEqual(train.labels.tolist(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  const px = train.images.dataSync();
  assert.equal(px[0], 0);
  assert.equal(px[784 * 3 + 100], Math.fround(30 / 255));
  assert.deepEqual(train.classes, FASHION_MNIST_CLASSES);
  assert.equal(train.classes[9], "Ankle boot");

  const test5 = loadFashionMnist({ root, split: "test", flatten: true });
  assert.deepEqual(test5.images.shape, [5, 784]);
  const few = loadFashionMnist({ root, limit: 3 });
  assert.deepEqual(few.images.shape, [3, 1, 28, 28]);
  assert.deepEqual(few.labels.tolist(), [0, 1, 2]);
  assert.equal(loadFashionMnist({ root, limit: 100 }).labels.shape[0], 12);
});

test("a missing dataset says how to install it or where to point", () => {
  const root = freshRoot();
  writeSplit(root, "train", 2, true);
  assert.throws(
    () => loadFashionMnist({ root, split: "test" }),
    (e: Error) => {
      assert.match(e.message, /^loadFashionMnist: Fashion-MNIST's test split is not in /);
      assert.match(e.message, /missing t10k-images-idx3-ubyte\[\.gz\] and t10k-labels-idx1-ubyte\[\.gz\]/);
      assert.match(e.message, /sudo apt-get install dataset-fashion-mnist/);
      assert.match(e.message, /--data DIR/);
      assert.match(
        e.message,
        /train-images-idx3-ubyte\.gz, train-labels-idx1-ubyte\.gz, t10k-images-idx3-ubyte\.gz, t10k-labels-idx1-ubyte\.gz/,
      );
      return true;
    },
  );
  assert.throws(() => loadFashionMnist({ root: join(dir, "nowhere") }), /is not in .*nowhere/);
  assert.throws(
    () => loadFashionMnist({ root, split: "val" as "test" }),
    /split must be "train" or "test", got "val"/,
  );
  assert.throws(() => loadFashionMnist({ root, limit: -1 }), /limit must be a non-negative integer/);
});

test("malformed files: wrong dims, count mismatch, bad labels, swapped files", () => {
  const wrongDims = freshRoot();
  writeSplit(wrongDims, "train", 2, false, { dims: [2, 28, 28] });
  const images = join(wrongDims, "train-images-idx3-ubyte");
  writeFileSync(images, idxBytes(0x08, [2, 28, 27], new Uint8Array(2 * 28 * 27)));
  assert.throws(
    () => loadFashionMnist({ root: wrongDims }),
    new RegExp(`loadFashionMnist: ${images}: images are 28×27, expected 28×28`),
  );

  const mismatch = freshRoot();
  writeSplit(mismatch, "train", 3, true, { labels: [1, 2] });
  assert.throws(
    () => loadFashionMnist({ root: mismatch }),
    /train-labels-idx1-ubyte\.gz: holds 2 labels, but .* holds 3 images/,
  );

  const badLabel = freshRoot();
  writeSplit(badLabel, "train", 3, true, { labels: [1, 12, 2] });
  assert.throws(
    () => loadFashionMnist({ root: badLabel }),
    /label 1 is 12, but Fashion-MNIST's labels are 0\.\.9/,
  );

  const swapped = freshRoot();
  writeFileSync(join(swapped, "train-images-idx3-ubyte"), idxBytes(0x08, [3], [1, 2, 3]));
  writeFileSync(join(swapped, "train-labels-idx1-ubyte"), idxBytes(0x08, [3], [1, 2, 3]));
  assert.throws(
    () => loadFashionMnist({ root: swapped }),
    /train-images-idx3-ubyte: expected magic number 0x00000803 .* found 0x00000801/,
  );

  const truncated = freshRoot();
  writeSplit(truncated, "train", 4, false);
  const full = idxBytes(0x08, [4, 28, 28], new Uint8Array(4 * 784));
  writeFileSync(join(truncated, "train-images-idx3-ubyte"), full.subarray(0, 2000));
  assert.throws(
    () => loadFashionMnist({ root: truncated }),
    /truncated: dims \[4, 28, 28\] of unsigned byte need 3136 bytes of data, but only 1984/,
  );
});

const installed = [
  "t10k-images-idx3-ubyte.gz",
  "t10k-labels-idx1-ubyte.gz",
  "train-images-idx3-ubyte.gz",
  "train-labels-idx1-ubyte.gz",
].every((f) => existsSync(join(DEBIAN_FASHION_MNIST_DIR, f)));
if (installed)
  test("the real dataset (Debian's dataset-fashion-mnist): 10 000 test images, 1 000 per class", () => {
    const { images, labels } = loadFashionMnist({ split: "test" });
    assert.deepEqual(images.shape, [10000, 1, 28, 28]);
    const px = images.dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of px) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    assert.equal(lo, 0);
    assert.equal(hi, 1);
    const perClass = Array<number>(10).fill(0);
    for (const c of labels.dataSync()) perClass[c]!++;
    assert.deepEqual(perClass, Array(10).fill(1000));
    assert.equal(loadFashionMnist({ limit: 10 }).labels.shape[0], 10);
  });
