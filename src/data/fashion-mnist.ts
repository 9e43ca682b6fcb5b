// Fashion-MNIST (Zalando's 28×28 grey clothing images, 10 classes) from its four IDX files, in the
// directory the user names or where Debian's dataset-fashion-mnist package installs them.
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as nb from "../index.js";
import { fail, formatError } from "../io/errors.js";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdx } from "./idx.js";

/** Where `apt-get install dataset-fashion-mnist` puts the files. */
export const DEBIAN_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

export const FASHION_MNIST_CLASSES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

const FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
} as const;

export interface FashionMnistOptions {
  /** The directory with the IDX files (gzipped or not); Debian's location by default. */
  root?: string;
  /** "train" (60 000 images) or "test" (10 000); "train" by default. */
  split?: "train" | "test";
  /** Images as [N, 784] instead of [N, 1, 28, 28]. */
  flatten?: boolean;
  /** Keep only the first `limit` samples. */
  limit?: number;
}

export interface FashionMnist {
  /** float32 [N, 1, 28, 28] (or [N, 784] with flatten), scaled to [0, 1] */
  images: nb.Tensor;
  /** int32 [N], 0..9 */
  labels: nb.Tensor;
  /** The names of labels 0..9. */
  classes: readonly string[];
}

/** The path of one of the split's files in root, gzipped or not; null when neither exists. */
function locate(root: string, base: string): string | null {
  for (const name of [`${base}.gz`, base]) if (existsSync(join(root, name))) return join(root, name);
  return null;
}

/** Loads one split of Fashion-MNIST; a missing dataset gets an error that says how to install it. */
export function loadFashionMnist(opts: FashionMnistOptions = {}): FashionMnist {
  const op = "loadFashionMnist";
  const split = opts.split ?? "train";
  if (split !== "train" && split !== "test")
    fail(op, `split must be "train" or "test", got ${JSON.stringify(split)}`);
  const limit = opts.limit ?? Infinity;
  if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 0)))
    fail(op, `limit must be a non-negative integer, got ${limit}`);
  const root = opts.root ?? DEBIAN_FASHION_MNIST_DIR;
  const names = FILES[split];
  const imagesPath = locate(root, names.images);
  const labelsPath = locate(root, names.labels);
  if (!imagesPath || !labelsPath) {
    const missing = [imagesPath ? null : names.images, labelsPath ? null : names.labels].filter(Boolean);
    const all = Object.values(FILES).flatMap((f) => [f.images, f.labels].map((n) => `${n}.gz`));
    fail(
      op,
      `Fashion-MNIST's ${split} split is not in ${root} (missing ${missing.map((m) => `${m}[.gz]`).join(" and ")}). ` +
        `Install it with \`sudo apt-get install dataset-fashion-mnist\` (Debian/Ubuntu; files go to ${DEBIAN_FASHION_MNIST_DIR}), ` +
        `or pass --data DIR (or { root: DIR }) naming a directory with the four files ${all.join(", ")} ` +
        `(from https://github.com/zalandoresearch/fashion-mnist; gzipped or not).`,
    );
  }

  const images = readIdx(imagesPath, { expectMagic: IDX_IMAGES_MAGIC });
  const labels = readIdx(labelsPath, { expectMagic: IDX_LABELS_MAGIC });
  const [n, h, w] = images.shape as [number, number, number];
  if (h !== 28 || w !== 28)
    formatError(op, imagesPath, `images are ${h}×${w}, expected 28×28 (dims [${images.shape.join(", ")}])`);
  if (labels.shape[0] !== n)
    formatError(op, labelsPath, `holds ${labels.shape[0]} labels, but ${imagesPath} holds ${n} images`);
  const m = Math.min(n, limit);
  const pixels = new Float32Array(m * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  const classes = labels.data.subarray(0, m);
  const badAt = classes.findIndex((c) => c > 9);
  if (badAt >= 0)
    formatError(op, labelsPath, `label ${badAt} is ${classes[badAt]}, but Fashion-MNIST's labels are 0..9`);
  return {
    images: nb.fromArray(pixels, opts.flatten ? [m, 784] : [m, 1, 28, 28]),
    labels: nb.fromArray(Int32Array.from(classes), [m]),
    classes: FASHION_MNIST_CLASSES,
  };
}
