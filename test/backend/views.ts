// Helpers for the kernel-by-kernel differential tests: a seeded generator of random strided views
// (permuted, flipped, stepped, broadcast, offset) and "twins" holding the same values on the
// reference backend and on a WebAssembly backend, so each kernel runs on both and is compared.
import assert from "node:assert/strict";
import type { Backend, Buf, View } from "../../src/backend/interface.js";
import { ReferenceBackend } from "../../src/backend/reference/backend.js";
import type { DType, TypedArray } from "../../src/util/dtype.js";
import { createWasmBackend } from "../../src/backend/wasm/init.js";
import type { WasmBackend } from "../../src/backend/wasm/backend.js";

export const reference = new ReferenceBackend();
let wasmBackend: WasmBackend | null = null;
/** One WebAssembly backend (own heap, not registered) shared by the differential tests. */
export async function wasm(): Promise<WasmBackend> {
  return (wasmBackend ??= await createWasmBackend({ maxMemoryMiB: 1024, name: "wasm-test" }));
}

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
export class Rand {
  constructor(private s: number) {}
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}

export interface Layout {
  shape: number[];
  strides: number[];
  offset: number;
  /** Elements the buffer needs. */
  size: number;
}

/**
 * A random layout of `shape`: dims laid out in a random order in a larger buffer, some walked
 * backwards (negative strides, as flip makes), some every other element, some broadcast (stride
 * 0, only when `broadcast`), behind a random offset.
 */
export function randomLayout(r: Rand, shape: readonly number[], broadcast = true): Layout {
  const nd = shape.length;
  const order = [...shape.keys()];
  for (let i = nd - 1; i > 0; i--) {
    const j = r.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const step = shape.map(() => (r.next() < 0.25 ? 2 : 1));
  const bcast = shape.map((d) => broadcast && d > 1 && r.next() < 0.2);
  const strides = new Array<number>(nd).fill(0);
  let run = 1;
  for (let k = nd - 1; k >= 0; k--) {
    const d = order[k]!;
    if (bcast[d]) continue;
    strides[d] = run * step[d]!;
    run *= shape[d]! * step[d]!;
  }
  let offset = r.int(0, 3);
  const size = offset + run + r.int(0, 3);
  for (let d = 0; d < nd; d++)
    if (strides[d]! > 0 && r.next() < 0.3) {
      offset += (shape[d]! - 1) * strides[d]!;
      strides[d] = -strides[d]!;
    }
  return { shape: [...shape], strides, offset, size };
}

export function contiguousLayout(shape: readonly number[]): Layout {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return { shape: [...shape], strides, offset: 0, size: s };
}

export function randomShape(r: Rand, maxDims = 4, maxDim = 5): number[] {
  return Array.from({ length: r.int(0, maxDims) }, () => r.int(1, maxDim));
}

/** The same buffer contents on both backends, and views of them with one layout. */
export class Twin {
  readonly ref: Buf;
  readonly wasm: Buf;
  constructor(
    private readonly wb: Backend,
    readonly dtype: DType,
    readonly layout: Layout,
    values: ArrayLike<number>,
  ) {
    this.ref = reference.alloc(dtype, layout.size);
    this.wasm = wb.alloc(dtype, layout.size);
    reference.write(this.ref, values);
    wb.write(this.wasm, values);
  }
  view(which: "ref" | "wasm", layout: Layout = this.layout): View {
    return {
      buf: this[which],
      dtype: this.dtype,
      shape: layout.shape,
      strides: layout.strides,
      offset: layout.offset,
    };
  }
  /** Both buffers' whole contents. */
  read(): { ref: TypedArray; wasm: TypedArray } {
    return { ref: reference.readSync(this.ref), wasm: this.wb.readSync!(this.wasm) };
  }
}

/** A twin filled with random values of its dtype. */
export function twin(wb: Backend, r: Rand, dtype: DType, layout: Layout, specials = true): Twin {
  return new Twin(wb, dtype, layout, values(r, dtype, layout.size, specials));
}

/** Values for a dtype: normals with a sprinkling of the special values kernels must respect. */
export function values(r: Rand, dtype: DType, n: number, specials = true): number[] {
  const special = [0, -0, NaN, Infinity, -Infinity, 0.5, -2.5, 3e9, -1];
  return Array.from({ length: n }, () => {
    if (dtype === "bool") return r.next() < 0.5 ? 1 : 0;
    if (dtype === "int32") return r.int(-20, 20);
    if (specials && r.next() < 0.1) return r.pick(special);
    return Math.fround(r.normal() * 3);
  });
}

export interface Tol {
  rtol: number;
  atol: number;
}

/** Elementwise agreement: same NaN-ness and infinities, else |a − e| ≤ atol + rtol·|e| (±0 equal). */
export function assertAgree(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tol,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      assert.ok(
        Object.is(a, e) || (Number.isNaN(e) && Number.isNaN(a)) || a === e,
        `${what}[${i}]: got ${a}, expected ${e}`,
      );
      continue;
    }
    assert.ok(Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e), `${what}[${i}]: got ${a}, expected ${e}`);
  }
}

export const EXACT: Tol = { rtol: 0, atol: 0 };
