// NdArray: a strided view of a backend buffer (shape, strides, offset, dtype) with no autograd.
// View changes (permute, expand, slice, reshape of contiguous data) are pure metadata.
import type { Backend, Buf, View } from "../backend/interface.js";
import { getBackend } from "../backend/registry.js";
import { type DType, type TypedArray } from "../util/dtype.js";
import { fmtShape, shapeError, UnsupportedError } from "../util/errors.js";
import { contiguousStrides, type Shape, sizeOf } from "../util/shape.js";
import type { KernelName } from "../backend/interface.js";

export class NdArray implements View {
  constructor(
    readonly backend: Backend,
    readonly buf: Buf,
    readonly dtype: DType,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
  ) {}

  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Row-major contiguous from offset (what a fresh buffer is). */
  get isContiguous(): boolean {
    let s = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i]!;
      if (d !== 1 && this.strides[i] !== s) return false;
      s *= d;
    }
    return true;
  }

  /** Contiguous and covering its whole buffer, from its first element to its last. */
  get isWholeBuffer(): boolean {
    return this.isContiguous && this.offset === 0 && this.buf.size === this.size;
  }

  withLayout(shape: readonly number[], strides: readonly number[], offset = this.offset): NdArray {
    return new NdArray(this.backend, this.buf, this.dtype, shape, strides, offset);
  }

  /** Values in row-major order as a fresh typed array (sync; CPU backends). */
  toTypedArray(): TypedArray {
    const c = this.isWholeBuffer ? this : contiguous(this);
    if (!c.backend.readSync)
      throw new UnsupportedError(
        `dataSync: backend '${c.backend.name}' reads asynchronously; use await data()`,
      );
    const raw = c.backend.readSync(c.buf);
    return raw.slice(c.offset, c.offset + c.size);
  }

  async toTypedArrayAsync(): Promise<TypedArray> {
    const c = this.isContiguous ? this : contiguous(this);
    const raw = await c.backend.read(c.buf);
    return raw.slice(c.offset, c.offset + c.size);
  }
}

/** Arrays allocated while some `allocationsDuring` runs (the innermost's from its start index). */
const allocated: NdArray[] = [];
let listening = 0;

/**
 * Runs `fn` and returns its result with the arrays allocated meanwhile (not those of a nested
 * call, which takes its own): the autograd engine frees those nothing else can see as soon as it
 * is done with them.
 */
export function allocationsDuring<T>(fn: () => T): [T, NdArray[]] {
  const start = allocated.length;
  listening++;
  try {
    const r = fn();
    return [r, allocated.slice(start)];
  } finally {
    listening--;
    allocated.length = start;
  }
}

/**
 * A fresh zero-filled contiguous array; `overwritten` (for a kernel's output, which writes every
 * element) lets the backend skip the zeroing.
 */
export function empty(
  shape: Shape,
  dtype: DType,
  backend: Backend = getBackend(),
  overwritten = false,
): NdArray {
  const buf = backend.alloc(dtype, sizeOf(shape), overwritten);
  const a = new NdArray(backend, buf, dtype, [...shape], contiguousStrides(shape), 0);
  if (listening) allocated.push(a);
  return a;
}

/** Returns the array's buffer to its backend now; nothing may use the buffer afterwards. */
export function release(a: NdArray): void {
  a.backend.free(a.buf);
}

/**
 * Holders of each buffer that let go of it explicitly: tensors (until dispose()) and graph nodes
 * that saved it (until backward frees them), counted on the buffer. A buffer whose count drops to
 * zero is freed.
 */
export function claim(a: NdArray): void {
  a.buf.claims++;
}

/** Lets go of one claim on a's buffer; frees it when that was the last. */
export function unclaim(a: NdArray): void {
  const b = a.buf;
  if (b.claims <= 0) return;
  if (--b.claims === 0) release(a);
}

export function fromData(
  data: ArrayLike<number>,
  shape: Shape,
  dtype: DType,
  backend: Backend = getBackend(),
): NdArray {
  if (data.length !== sizeOf(shape))
    shapeError(
      "tensor",
      `${data.length} values cannot fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements)`,
    );
  const a = empty(shape, dtype, backend);
  backend.write(a.buf, data);
  return a;
}

export function full(shape: Shape, value: number, dtype: DType, backend: Backend = getBackend()): NdArray {
  const a = empty(shape, dtype, backend);
  if (value !== 0) kernel(backend, "fill", dtype, "fill").fill(a, value);
  return a;
}

/** The backend, after checking that it runs `kernel` for `dtype`; the error names the op. */
export function kernel(be: Backend, k: KernelName, dtype: DType, op: string, sub?: string): Backend {
  if (!be.supports(k, dtype, sub))
    throw new UnsupportedError(
      `${op}: backend '${be.name}' has no ${k}${sub ? `:${sub}` : ""} kernel for ${dtype}`,
    );
  return be;
}

export function contiguous(a: NdArray): NdArray {
  if (a.isContiguous) return a;
  return cast(a, a.dtype);
}

/** A fresh contiguous copy in `dtype`. */
export function cast(a: NdArray, dtype: DType): NdArray {
  const out = empty(a.shape, dtype, a.backend, true);
  kernel(a.backend, "copy", dtype, "to").copy(a, out);
  return out;
}
