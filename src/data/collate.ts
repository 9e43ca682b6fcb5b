// Batching samples, as PyTorch's default_collate: tensors and numbers stack into a tensor with a
// new leading batch dim; arrays (tuples of fields) and objects collate field by field.
import * as nb from "../index.js";
import { fail } from "../io/errors.js";

/** The batch type default collation makes of a sample type. */
export type Collated<T> = T extends nb.Tensor | number | boolean | Float32Array | Float64Array | Int32Array
  ? nb.Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { [K in keyof T]: Collated<T[K]> }
        : never;

type Values = Float32Array | Float64Array | Int32Array | Uint8Array;
const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

/** A fresh typed array of `dtype` with `n` elements. */
export const allocFor = (dtype: nb.DType, n: number): Values => new ARRAYS[dtype](n);

/**
 * Stacks samples into a batch. Tensors (all of one shape and dtype) → [B, ...shape]; numbers → an
 * int32 [B] tensor when all are integers, else float32; booleans → bool [B]; typed arrays → [B, n];
 * strings stay a string[]; arrays and plain objects collate per field.
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (!Array.isArray(samples) || samples.length === 0)
    fail("defaultCollate", "needs a non-empty array of samples");
  return collateAt(samples, "") as Collated<T>;
}

function collateAt(xs: readonly unknown[], path: string): unknown {
  const where = path === "" ? "samples" : `field ${path} of the samples`;
  const first = xs[0];
  const differ = (i: number, a: string, b: string): never =>
    fail("defaultCollate", `cannot batch ${where}: sample 0 ${a} but sample ${i} ${b}`);
  if (first instanceof nb.Tensor) {
    const shape = first.shape;
    const out = allocFor(first.dtype, xs.length * first.numel());
    xs.forEach((x, i) => {
      if (!(x instanceof nb.Tensor)) return differ(i, "is a Tensor", `is ${describe(x)}`);
      if (x.dtype !== first.dtype) differ(i, `has dtype ${first.dtype}`, `has dtype ${x.dtype}`);
      if (x.shape.join() !== shape.join())
        differ(i, `has shape [${shape.join(",")}]`, `has shape [${x.shape.join(",")}]`);
      out.set(x.dataSync(), i * first.numel());
    });
    return nb.fromArray(out, [xs.length, ...shape], { dtype: first.dtype });
  }
  if (typeof first === "number") {
    xs.forEach((x, i) => typeof x !== "number" && differ(i, "is a number", `is ${describe(x)}`));
    const ints = (xs as number[]).every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31);
    return nb.fromArray(xs as number[], [xs.length], { dtype: ints ? "int32" : "float32" });
  }
  if (typeof first === "boolean") {
    xs.forEach((x, i) => typeof x !== "boolean" && differ(i, "is a boolean", `is ${describe(x)}`));
    return nb.fromArray((xs as boolean[]).map(Number), [xs.length], { dtype: "bool" });
  }
  if (typeof first === "string") {
    xs.forEach((x, i) => typeof x !== "string" && differ(i, "is a string", `is ${describe(x)}`));
    return [...xs];
  }
  if (first instanceof Float32Array || first instanceof Float64Array || first instanceof Int32Array) {
    const dtype =
      first instanceof Float32Array ? "float32" : first instanceof Float64Array ? "float64" : "int32";
    const out = allocFor(dtype, xs.length * first.length);
    xs.forEach((x, i) => {
      if (!(x instanceof first.constructor)) differ(i, `is a ${first.constructor.name}`, `is ${describe(x)}`);
      const a = x as Values;
      if (a.length !== first.length) differ(i, `has length ${first.length}`, `has length ${a.length}`);
      out.set(a, i * first.length);
    });
    return nb.fromArray(out, [xs.length, first.length], { dtype });
  }
  if (Array.isArray(first)) {
    xs.forEach((x, i) => {
      if (!Array.isArray(x)) return differ(i, "is an array", `is ${describe(x)}`);
      if (x.length !== first.length) differ(i, `has ${first.length} fields`, `has ${x.length}`);
    });
    return first.map((_, f) =>
      collateAt(
        xs.map((x) => (x as unknown[])[f]),
        `${path}[${f}]`,
      ),
    );
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    xs.forEach((x, i) => {
      if (!isPlainObject(x)) differ(i, "is an object", `is ${describe(x)}`);
      const missing = keys.find((k) => !Object.hasOwn(x as object, k));
      if (missing !== undefined) differ(i, `has key "${missing}"`, "lacks it");
    });
    for (const k of keys)
      out[k] = collateAt(
        xs.map((x) => (x as Record<string, unknown>)[k]),
        `${path}.${k}`,
      );
    return out;
  }
  return fail("defaultCollate", `cannot batch ${where}: sample 0 is ${describe(first)}`);
}

const isPlainObject = (v: unknown): v is object =>
  v !== null && typeof v === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(v));

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (v instanceof nb.Tensor) return `a Tensor`;
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `a ${v.constructor?.name ?? "object"}`;
  return `a ${typeof v}`;
}
