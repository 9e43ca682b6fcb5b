// Seeded synthetic 2-D classification sets (moons, circles, spirals, blobs, xor), as scikit-learn's
// make_* functions: x is float32 [n, 2], y is int32 [n] with labels 0..k-1. Same seed, same data.
import * as nb from "../index.js";
import { fail } from "../io/errors.js";
import { permutation } from "./dataset.js";

export interface SyntheticOptions {
  /** Standard deviation of Gaussian noise added to each coordinate (0 by default). */
  noise?: number;
  /** Seed of a fresh nb.Generator; without seed or generator, nb.defaultGenerator is used. */
  seed?: number;
  generator?: nb.Generator;
  /** Shuffle the points (true by default); otherwise they come grouped by class. */
  shuffle?: boolean;
}

export interface Synthetic2D {
  /** float32 [n, 2] */
  x: nb.Tensor;
  /** int32 [n], class labels 0..k-1 */
  y: nb.Tensor;
}

type Point = [x: number, y: number, label: number];

/** Two interleaving half circles (labels 0: upper, 1: lower), as sklearn's make_moons. */
export function makeMoons(n: number, opts: SyntheticOptions = {}): Synthetic2D {
  return build("makeMoons", n, opts, () => {
    const nOut = Math.floor(n / 2);
    const nIn = n - nOut;
    const outer = range(nOut, Math.PI, true).map((t): Point => [Math.cos(t), Math.sin(t), 0]);
    const inner = range(nIn, Math.PI, true).map((t): Point => [1 - Math.cos(t), 1 - Math.sin(t) - 0.5, 1]);
    return [...outer, ...inner];
  });
}

/** A circle inside a bigger one (labels 0: outer, 1: inner), as sklearn's make_circles. */
export function makeCircles(n: number, opts: SyntheticOptions & { factor?: number } = {}): Synthetic2D {
  const factor = opts.factor ?? 0.8;
  if (!(factor >= 0 && factor < 1)) fail("makeCircles", `factor must be in [0, 1), got ${factor}`);
  return build("makeCircles", n, opts, () => {
    const nOut = Math.floor(n / 2);
    const nIn = n - nOut;
    const outer = range(nOut, 2 * Math.PI, false).map((t): Point => [Math.cos(t), Math.sin(t), 0]);
    const inner = range(nIn, 2 * Math.PI, false).map((t): Point => [
      factor * Math.cos(t),
      factor * Math.sin(t),
      1,
    ]);
    return [...outer, ...inner];
  });
}

/**
 * `classes` interleaved spiral arms around the origin (2 by default): arm j starts at angle
 * 2πj/classes and winds 4 radians outwards as its radius grows from 0 to 1.
 */
export function makeSpirals(n: number, opts: SyntheticOptions & { classes?: number } = {}): Synthetic2D {
  const k = opts.classes ?? 2;
  if (!Number.isInteger(k) || k < 1) fail("makeSpirals", `classes must be a positive integer, got ${k}`);
  return build("makeSpirals", n, opts, () =>
    split(n, k).flatMap((m, j) =>
      range(m, 1, true).map((r): Point => {
        const t = (2 * Math.PI * j) / k + 4 * r;
        return [r * Math.sin(t), r * Math.cos(t), j];
      }),
    ),
  );
}

/**
 * Gaussian blobs (labels: the blob's index), as sklearn's make_blobs: `centers` is a count (drawn
 * uniformly in `box`, [-10, 10] by default) or a list of [x, y]; each blob has standard deviation `std`.
 */
export function makeBlobs(
  n: number,
  opts: SyntheticOptions & {
    centers?: number | readonly (readonly number[])[];
    std?: number;
    box?: [number, number];
  } = {},
): Synthetic2D {
  const std = opts.std ?? 1;
  const [lo, hi] = opts.box ?? [-10, 10];
  if (!(std >= 0)) fail("makeBlobs", `std must be non-negative, got ${std}`);
  const centers = opts.centers ?? 3;
  if (typeof centers === "number" && !(Number.isInteger(centers) && centers >= 1))
    fail("makeBlobs", `centers must be a positive integer or a list of [x, y], got ${centers}`);
  if (
    typeof centers !== "number" &&
    (centers.length === 0 || centers.some((c) => c.length !== 2 || !c.every(Number.isFinite)))
  )
    fail("makeBlobs", "centers must be a non-empty list of [x, y] pairs of finite numbers");
  return build("makeBlobs", n, opts, (g) => {
    const cs =
      typeof centers === "number"
        ? Array.from({ length: centers }, () => [lo + (hi - lo) * g.random(), lo + (hi - lo) * g.random()])
        : centers;
    return split(n, cs.length).flatMap((m, j) =>
      Array.from({ length: m }, (): Point => [
        cs[j]![0]! + std * g.normal(),
        cs[j]![1]! + std * g.normal(),
        j,
      ]),
    );
  });
}

/** Points uniform in [-1, 1]², labelled 1 where exactly one coordinate is positive (XOR). */
export function makeXor(n: number, opts: SyntheticOptions = {}): Synthetic2D {
  return build("makeXor", n, opts, (g) =>
    Array.from({ length: n }, (): Point => {
      const a = 2 * g.random() - 1;
      const b = 2 * g.random() - 1;
      return [a, b, a > 0 !== b > 0 ? 1 : 0];
    }),
  );
}

/** Validates, makes the points, adds noise, shuffles, and packs them as tensors. */
function build(
  op: string,
  n: number,
  opts: SyntheticOptions,
  make: (g: nb.Generator) => Point[],
): Synthetic2D {
  if (!Number.isInteger(n) || n < 0) fail(op, `n must be a non-negative integer, got ${n}`);
  const noise = opts.noise ?? 0;
  if (!(noise >= 0) || !Number.isFinite(noise))
    fail(op, `noise must be a finite non-negative number, got ${noise}`);
  if (opts.seed !== undefined && opts.generator !== undefined)
    fail(op, "give a seed or a generator, not both");
  const g = opts.generator ?? (opts.seed !== undefined ? new nb.Generator(opts.seed) : nb.defaultGenerator);
  const points = make(g);
  const order = opts.shuffle === false ? points.map((_, i) => i) : permutation(n, g);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  order.forEach((p, i) => {
    const [a, b, label] = points[p]!;
    x[2 * i] = noise > 0 ? a + noise * g.normal() : a;
    x[2 * i + 1] = noise > 0 ? b + noise * g.normal() : b;
    y[i] = label;
  });
  return { x: nb.fromArray(x, [n, 2]), y: nb.fromArray(y, [n]) };
}

/** m evenly spaced values from 0 to `end` (including `end` or not), as numpy's linspace. */
function range(m: number, end: number, endpoint: boolean): number[] {
  const step = endpoint ? (m > 1 ? end / (m - 1) : 0) : end / m;
  return Array.from({ length: m }, (_, i) => i * step);
}

/** n split into k near-equal parts, the first n % k one larger. */
const split = (n: number, k: number): number[] =>
  Array.from({ length: k }, (_, j) => Math.floor(n / k) + (j < n % k ? 1 : 0));
