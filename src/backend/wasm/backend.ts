// The WebAssembly backend: buffers live in one WebAssembly.Memory (see memory.ts) and the kernels
// run as SIMD128 WebAssembly (assembly/). float32 runs natively for every kernel, as do the
// dtype-agnostic ones (fill, copy, where, gather) for every dtype and scatterAdd for float64/int32.
// Everything else (float64/int32/bool arithmetic, reductions, matmul, float64 fused kernels) runs
// the reference backend's kernels over typed-array views of the same memory, so `supports` is
// true wherever a kernel applies (the fused ones: float dtypes) and the results are the oracle's
// own. `counts` records which path each call took.
import {
  type AdamStep,
  type Backend,
  type CausalRows,
  type BinaryOp,
  BOOL_OUTPUT_OPS,
  BOOL_OUTPUT_UNARY_OPS,
  type Buf,
  FUSED_KERNELS,
  type ConvGeometry,
  type KernelName,
  type MemoryStats,
  type ReduceOp,
  type ScanOp,
  type UnaryOp,
  type View,
} from "../interface.js";
import type { DType, TypedArray } from "../../util/dtype.js";
import * as ew from "../reference/elementwise.js";
import { reduce as refReduce, scan as refScan } from "../reference/reduce.js";
import { matmul as refMatmul } from "../reference/matmul.js";
import { gather as refGather, scatterAdd as refScatterAdd } from "../reference/index-ops.js";
import { col2im as refCol2im, im2col as refIm2col } from "../reference/conv.js";
import * as refFused from "../reference/fused.js";
import { ARGS, BINARY_CODE, DTYPE_CODE, REDUCE_CODE, UNARY_CODE } from "./abi.js";
import type { Loaded } from "./loader.js";
import { Heap } from "./memory.js";
import { Residency, type Slot } from "./residency.js";
import { type Job, KERNEL, Pool } from "./threads.js";
import { offsetsOfGroup, planReduce, rowsOf } from "../reduce-plan.js";
import { convArgs, planMatmul, writeIterArgs } from "./plan.js";

const WIDTH: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
const CTOR = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

class WasmBuf implements Buf {
  /** Where its values are: a block of the heap, or moved out (see residency.ts). */
  slot!: Slot;
  claims = 0;
  constructor(
    readonly dtype: DType,
    readonly size: number,
    readonly owner: WasmBackend,
  ) {}
  /** Byte address in the heap; -1 while moved out or once freed. */
  get ptr(): number {
    return this.slot.ptr;
  }
}

/** Which dtypes each kernel runs natively (by its main input's dtype). */
const NATIVE: Record<KernelName, readonly DType[]> = {
  fill: ["float32", "float64", "int32", "bool"],
  copy: ["float32", "float64", "int32", "bool"],
  where: ["float32", "float64", "int32", "bool"],
  gather: ["float32", "float64", "int32", "bool"],
  scatterAdd: ["float32", "float64", "int32"],
  unary: ["float32"],
  binary: ["float32"],
  reduce: ["float32"],
  scan: ["float32"],
  matmul: ["float32"],
  im2col: ["float32"],
  col2im: ["float32"],
  softmax: ["float32"],
  softmaxBackward: ["float32"],
  layerNorm: ["float32"],
  layerNormBackward: ["float32"],
  adam: ["float32"],
};

/** Multiply-adds below which a matmul stays on one thread (waking workers costs tens of µs). */
const THREAD_MIN_MADDS = 1 << 23;
/** Elements below which elementwise ops and im2col/col2im stay on one thread. */
const THREAD_MIN_ELEMENTS = 1 << 17;
/**
 * Ops that mostly move memory (add, mul, neg, Adam's update…) count as this much work per element:
 * split at 2^17 elements, their halves ran slower inside a training loop than one thread did (the
 * operands sit in the cache of the core that just wrote them), so they wait for 2^22.
 */
const CHEAP = 1 / 32; // (also softmax's backward and layer norm, measured the same way)
const COSTLY_UNARY: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  "exp",
  "log",
  "log1p",
  "expm1",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "erf",
  "geluTanh",
]);
const COSTLY_BINARY: ReadonlySet<BinaryOp> = new Set<BinaryOp>([
  "pow",
  "remainder",
  "fmod",
  "atan2",
  "geluTanhBackward",
]);
/** Slicing an iteration's outer dim moves each view's offset by its outer stride (views 0, 1, 2). */
const ITER_SHIFTS = [0, 1, 2].map((v) => [ARGS.OFFSETS + v, ARGS.STRIDES + 16 * v] as const);
/** Slicing convArgs' (plan.ts) batch moves the image's offset (word 18, batch stride at 14) and the cols' (25, at 19). */
const CONV_SHIFTS = [
  [18, 14],
  [25, 19],
] as const;

const IDENTITY: Partial<Record<ReduceOp, number>> = { sum: 0, prod: 1 };

export class WasmBackend implements Backend {
  readonly heap: Heap;
  /** Calls per kernel that ran in WebAssembly and that fell back to the reference kernels. */
  readonly counts = {} as Record<KernelName, { native: number; fallback: number }>;
  /** The loaded module and memory, for worker threads (later) to instantiate on the same heap. */
  readonly loaded: Loaded;
  private readonly k: Loaded["exports"];
  /** The exports a Job's first number picks (threads.ts KERNEL). */
  private readonly kernels: readonly unknown[];
  private readonly args: number;
  /** Which buffers are in the heap; the rest moved out (see residency.ts). */
  readonly residency: Residency;
  private readonly scratch = { ptr: 0, block: 0 };
  private readonly bits = new Float64Array(1);
  private pool: Pool | null = null;

  constructor(
    loaded: Loaded,
    readonly name = "wasm",
  ) {
    this.loaded = loaded;
    this.k = loaded.exports;
    this.kernels = [
      this.k.matmulF32,
      this.k.unaryF32,
      this.k.binaryF32,
      this.k.im2col,
      this.k.col2im,
      this.k.softmaxF32,
      this.k.softmaxBackwardF32,
      this.k.layerNormF32,
      this.k.adamF32,
    ];
    this.heap = new Heap(loaded.memory, this.k.heapBase(), loaded.maxBytes, this.k.zero);
    this.args = this.heap.alloc(ARGS.WORDS * 4, "kernel arguments").ptr;
    this.heap.budget = loaded.residentBytes;
    this.residency = new Residency(this.heap, (s) => `${s.bytes} bytes`);
    for (const k of Object.keys(NATIVE) as KernelName[]) this.counts[k] = { native: 0, fallback: 0 };
  }

  supports(kernel: KernelName, dtype: DType): boolean {
    return !FUSED_KERNELS.has(kernel) || dtype === "float32" || dtype === "float64";
  }

  /** Whether `kernel` runs in WebAssembly for `dtype` (otherwise the reference kernel runs on the heap). */
  isNative(kernel: KernelName, dtype: DType): boolean {
    return NATIVE[kernel].includes(dtype);
  }

  alloc(dtype: DType, size: number, overwritten = false): Buf {
    const buf = new WasmBuf(dtype, size, this);
    buf.slot = this.residency.create(buf, size * WIDTH[dtype], `${dtype}[${size}]`, !overwritten);
    return buf;
  }
  free(buf: Buf): void {
    this.residency.free(this.own(buf).slot);
  }
  write(buf: Buf, src: ArrayLike<number>, offset = 0): void {
    this.residency.begin();
    const b = this.own(buf);
    this.residency.touch(b, b.slot);
    const d = this.typed(buf);
    if (offset < 0 || offset + src.length > d.length)
      throw new RangeError(
        `wasm backend: writing ${src.length} values at ${offset} overflows a buffer of ${d.length}`,
      );
    if (buf.dtype === "bool") for (let i = 0; i < src.length; i++) d[offset + i] = src[i] ? 1 : 0;
    else d.set(src, offset);
  }
  memory(): MemoryStats {
    const h = this.heap.stats();
    const m = this.residency.moved;
    return {
      heapBytes: h.heapBytes,
      maxBytes: h.maxBytes,
      residentBudgetBytes: this.heap.budget,
      usedBytes: h.usedBytes,
      freeBytes: h.freeBytes,
      residentBuffers: this.residency.residentCount,
      movedOut: m.out,
      movedIn: m.in,
      bytesMovedOut: m.bytesOut,
      bytesMovedIn: m.bytesIn,
    };
  }
  async read(buf: Buf): Promise<TypedArray> {
    return this.readSync(buf);
  }
  /** A copy of the buffer's values (never a view: the heap moves when it grows). */
  readSync(buf: Buf): TypedArray {
    const b = this.own(buf);
    const moved = b.slot.store;
    if (moved) return new CTOR[b.dtype](moved.slice().buffer as ArrayBuffer, 0, b.size);
    return this.typed(buf).slice();
  }

  fill(dst: View, value: number): void {
    this.use(dst);
    if (size(dst) === 0) return;
    if (!writeIterArgs(this.argWords(), dst.shape, [dst]))
      return this.fallback("fill", () => ew.fill(this.data, dst, value));
    this.count("fill", true);
    const p = this.ptr(dst);
    if (dst.dtype === "float64") this.k.fill64(p, value, this.args);
    else if (dst.dtype === "bool") this.k.fill8(p, value !== 0 ? 1 : 0, this.args);
    else {
      // the element's bit pattern, converted as storing into a typed array of its dtype would
      const t = new CTOR[dst.dtype](this.bits.buffer, 0, 1);
      t[0] = value;
      this.k.fill32(p, new Int32Array(this.bits.buffer, 0, 1)[0]!, this.args);
    }
  }

  copy(src: View, dst: View): void {
    this.use(src, dst);
    if (size(dst) === 0) return;
    if (!writeIterArgs(this.argWords(), dst.shape, [src, dst]))
      return this.fallback("copy", () => ew.copy(this.data, src, dst));
    this.count("copy", true);
    this.k.copy(DTYPE_CODE[src.dtype], this.ptr(src), DTYPE_CODE[dst.dtype], this.ptr(dst), this.args);
  }

  unary(op: UnaryOp, x: View, out: View): void {
    this.use(x, out);
    const code = UNARY_CODE[op];
    const outDtype = BOOL_OUTPUT_UNARY_OPS.has(op) ? "bool" : "float32";
    if (code === undefined || x.dtype !== "float32" || out.dtype !== outDtype)
      return this.fallback("unary", () => ew.unary(this.data, op, x, out));
    if (size(out) === 0) return;
    if (!writeIterArgs(this.argWords(), out.shape, [x, out]))
      return this.fallback("unary", () => ew.unary(this.data, op, x, out));
    this.count("unary", true);
    const px = this.ptr(x);
    const po = this.ptr(out);
    const work = size(out) * (COSTLY_UNARY.has(op) ? 1 : CHEAP);
    this.slices(work, ARGS.SHAPE, ITER_SHIFTS.slice(0, 2), (args) => [KERNEL.unary, code, px, po, args]);
  }

  binary(op: BinaryOp, a: View, b: View, out: View): void {
    this.use(a, b, out);
    const code = BINARY_CODE[op];
    const outDtype = BOOL_OUTPUT_OPS.has(op) ? "bool" : "float32";
    if (code === undefined || a.dtype !== "float32" || b.dtype !== "float32" || out.dtype !== outDtype)
      return this.fallback("binary", () => ew.binary(this.data, op, a, b, out));
    if (size(out) === 0) return;
    if (!writeIterArgs(this.argWords(), out.shape, [a, b, out]))
      return this.fallback("binary", () => ew.binary(this.data, op, a, b, out));
    this.count("binary", true);
    const [pa, pb, po] = [this.ptr(a), this.ptr(b), this.ptr(out)];
    const work = size(out) * (COSTLY_BINARY.has(op) ? 1 : CHEAP);
    this.slices(work, ARGS.SHAPE, ITER_SHIFTS, (args) => [KERNEL.binary, code, pa, pb, po, args]);
  }

  where(cond: View, a: View, b: View, out: View): void {
    this.use(cond, a, b, out);
    if (cond.dtype !== "bool" || a.dtype !== out.dtype || b.dtype !== out.dtype)
      return this.fallback("where", () => ew.where(this.data, cond, a, b, out));
    if (size(out) === 0) return;
    if (!writeIterArgs(this.argWords(), out.shape, [cond, a, b, out]))
      return this.fallback("where", () => ew.where(this.data, cond, a, b, out));
    this.count("where", true);
    this.k.where(WIDTH[out.dtype], this.ptr(cond), this.ptr(a), this.ptr(b), this.ptr(out), this.args);
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[], out: View): void {
    this.use(x, out);
    const arg = op === "argmax" || op === "argmin";
    if (x.dtype !== "float32" || out.dtype !== (arg ? "int32" : "float32"))
      return this.fallback("reduce", () => refReduce(this.data, op, x, axes, out));
    this.count("reduce", true);
    const { R, K, reduced, kept: n, inner } = planReduce(x, axes);
    if (n === 0) return;
    if (reduced === 0) {
      if (IDENTITY[op] === undefined)
        throw new RangeError(`reduce: ${op} over an empty dimension has no identity`);
      this.typed(out.buf).fill(IDENTITY[op], out.offset, out.offset + n);
      return;
    }
    const code = REDUCE_CODE[op];
    const kRows = rowsOf(K);
    if (inner) {
      const rRows = rowsOf(R);
      const t = this.heap.temp([rRows.starts, kRows.starts], 0);
      try {
        this.k.reduceInner(
          code,
          this.at(x),
          t.at[0]!,
          rRows.starts.length,
          rRows.n,
          rRows.stride,
          t.at[1]!,
          kRows.starts.length,
          kRows.n,
          kRows.stride,
          this.at(out),
        );
      } finally {
        this.heap.release(t.ptr, t.block);
      }
    } else {
      const rOffs = offsetsOfGroup(R);
      const t = this.heap.temp([rOffs, kRows.starts], n * 12);
      try {
        this.k.reduceOuter(
          code,
          this.at(x),
          t.at[0]!,
          rOffs.length,
          t.at[1]!,
          kRows.starts.length,
          kRows.n,
          kRows.stride,
          t.at[2]!,
          t.at[2]! + n * 8,
          this.at(out),
          n,
        );
      } finally {
        this.heap.release(t.ptr, t.block);
      }
    }
  }

  scan(op: ScanOp, x: View, axis: number, out: View): void {
    this.use(x, out);
    if (x.dtype !== "float32" || out.dtype !== "float32")
      return this.fallback("scan", () => refScan(this.data, op, x, axis, out));
    if (size(out) === 0) return;
    const others = x.shape.map((s, i) => (i === axis ? 1 : s));
    if (!writeIterArgs(this.argWords(), others, [x, out]))
      return this.fallback("scan", () => refScan(this.data, op, x, axis, out));
    this.count("scan", true);
    const n = x.shape[axis]!;
    this.k.scanF32(
      op === "sum" ? 0 : 1,
      this.ptr(x),
      this.ptr(out),
      n,
      x.strides[axis]!,
      out.strides[axis]!,
      this.args,
    );
  }

  matmul(a: View, b: View, out: View, bias: View | null = null): void {
    if (!this.float32("matmul", [a, b, out, bias], () => refMatmul(this.data, a, b, out, bias))) return;
    if (a.shape.slice(0, -1).includes(0) || b.shape.at(-1) === 0) return;
    const pointers = { a: this.at(a), b: this.at(b), out: this.at(out), bias: this.at(bias) };
    const plan = planMatmul(a, b, pointers, this.threads, THREAD_MIN_MADDS);
    const s = this.scratchFor(plan.scratch * plan.threads);
    const job = (t: number): Job => [KERNEL.matmul, ...plan.args(t, s + t * plan.scratch)];
    if (plan.threads === 1) return this.runJob(job(0));
    this.pool!.run(
      Array.from({ length: plan.threads - 1 }, (_, i) => job(i + 1)),
      () => this.runJob(job(0)),
    );
  }

  /** Threads that run matmul (this one and workers); 1 unless `setThreads` started workers. */
  get threads(): number {
    return this.pool ? this.pool.size + 1 : 1;
  }

  /**
   * Splits large matmuls' rows over `n` threads (this one and n − 1 Node worker threads on the
   * same shared heap). Results are bitwise identical for every n.
   */
  async setThreads(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`setThreads: expected a positive integer, got ${n}`);
    const old = this.pool;
    this.pool = null;
    await old?.close();
    if (n > 1) this.pool = await Pool.start(this.loaded, n - 1);
  }

  gather(x: View, axis: number, index: View, out: View): void {
    this.use(x, index, out);
    if (index.dtype !== "int32" || x.dtype !== out.dtype)
      return this.fallback("gather", () => refGather(this.data, x, axis, index, out));
    if (size(index) === 0) return;
    const xz = { strides: x.strides.map((s, i) => (i === axis ? 0 : s)), offset: x.offset };
    if (!writeIterArgs(this.argWords(), index.shape, [xz, index, out]))
      return this.fallback("gather", () => refGather(this.data, x, axis, index, out));
    this.count("gather", true);
    const n = x.shape[axis]!;
    const ok = this.k.gather(
      WIDTH[x.dtype],
      this.ptr(x),
      x.strides[axis]!,
      n,
      this.ptr(index),
      this.ptr(out),
      this.args,
    );
    if (!ok)
      throw new RangeError(
        `gather: index ${this.k.badIndex()} is out of bounds for dim ${axis} of size ${n}`,
      );
  }

  scatterAdd(dst: View, axis: number, index: View, src: View): void {
    this.use(dst, index, src);
    if (index.dtype !== "int32" || dst.dtype !== src.dtype || dst.dtype === "bool")
      return this.fallback("scatterAdd", () => refScatterAdd(this.data, dst, axis, index, src));
    if (size(index) === 0) return;
    const dz = { strides: dst.strides.map((s, i) => (i === axis ? 0 : s)), offset: dst.offset };
    if (!writeIterArgs(this.argWords(), index.shape, [dz, index, src]))
      return this.fallback("scatterAdd", () => refScatterAdd(this.data, dst, axis, index, src));
    this.count("scatterAdd", true);
    const n = dst.shape[axis]!;
    const ok = this.k.scatterAdd(
      DTYPE_CODE[dst.dtype],
      this.ptr(dst),
      dst.strides[axis]!,
      n,
      this.ptr(index),
      this.ptr(src),
      this.args,
    );
    if (!ok)
      throw new RangeError(
        `scatterAdd: index ${this.k.badIndex()} is out of bounds for dim ${axis} of size ${n}`,
      );
  }

  im2col(x: View, g: ConvGeometry, out: View): void {
    this.use(x, out);
    if (x.dtype !== "float32" || out.dtype !== "float32")
      return this.fallback("im2col", () => refIm2col(this.data, x, g, out));
    this.count("im2col", true);
    if (size(out) === 0) return;
    this.argWords().set(convArgs(x, out, g));
    const [px, po] = [this.ptr(x), this.at(out)];
    const perImage = (size(out) / x.shape[0]!) * 4; // the kernel writes cols contiguously from po
    this.slices(size(out), 0, CONV_SHIFTS, (args, n0) => [
      KERNEL.im2col,
      px,
      po + n0 * perImage,
      g.padValue,
      args,
    ]);
  }

  col2im(cols: View, g: ConvGeometry, out: View): void {
    this.use(cols, out);
    if (cols.dtype !== "float32" || out.dtype !== "float32")
      return this.fallback("col2im", () => refCol2im(this.data, cols, g, out));
    this.count("col2im", true);
    if (size(cols) === 0 || size(out) === 0) return;
    this.argWords().set(convArgs(out, cols, g));
    const [pc, po] = [this.ptr(cols), this.ptr(out)];
    this.slices(size(cols), 0, CONV_SHIFTS, (args) => [KERNEL.col2im, pc, po, args]);
  }

  softmax(x: View, out: View, log: boolean, causal: CausalRows | null = null): void {
    if (!this.float32("softmax", [x, out], () => refFused.softmax(this.data, x, out, log, causal))) return;
    const [rows, n] = refFused.rowsOf(x);
    const [px, po] = [this.at(x), this.at(out)];
    const [L, d] = causal ? [causal.rows, causal.diagonal] : [0, 0];
    // softmax computes an exp per element: split from 2^17 like exp itself
    this.split(rows, rows * n, (r, count) => [
      KERNEL.softmax,
      px + r * n * 4,
      po + r * n * 4,
      count,
      n,
      +log,
      L,
      d,
      r,
    ]);
  }

  softmaxBackward(y: View, dy: View, out: View, log: boolean): void {
    const ref = () => refFused.softmaxBackward(this.data, y, dy, out, log);
    if (!this.float32("softmaxBackward", [y, dy, out], ref)) return;
    const [rows, n] = refFused.rowsOf(y);
    const [py, pg, po] = [this.at(y), this.at(dy), this.at(out)];
    this.split(rows, rows * n * CHEAP, (r, count) => {
      const o = r * n * 4;
      return [KERNEL.softmaxBackward, py + o, pg + o, po + o, count, n, +log];
    });
  }

  layerNorm(x: View, w: View | null, b: View | null, eps: number, out: View, mean: View, rstd: View): void {
    const ref = () => refFused.layerNorm(this.data, x, w, b, eps, out, mean, rstd);
    if (!this.float32("layerNorm", [x, w, b, out, mean, rstd], ref)) return;
    const [rows, n] = refFused.rowsOf(x);
    const [px, pw, pb, po, pm, pr] = [x, w, b, out, mean, rstd].map((v) => this.at(v));
    this.split(rows, rows * n * CHEAP, (r, count) => {
      const o = r * n * 4;
      return [KERNEL.layerNorm, px! + o, pw!, pb!, eps, po! + o, pm! + r * 4, pr! + r * 4, count, n];
    });
  }

  layerNormBackward(
    x: View,
    mean: View,
    rstd: View,
    w: View | null,
    dy: View,
    dx: View,
    dw: View | null,
    db: View | null,
  ): void {
    const ref = () => refFused.layerNormBackward(this.data, x, mean, rstd, w, dy, dx, dw, db);
    if (!this.float32("layerNormBackward", [x, mean, rstd, w, dy, dx, dw, db], ref)) return;
    const [rows, n] = refFused.rowsOf(x);
    const [px, pm, pr, pw, pg] = [this.at(x), this.at(mean), this.at(rstd), this.at(w), this.at(dy)];
    this.k.layerNormBackwardF32(px, pm, pr, pw, pg, this.at(dx), this.at(dw), this.at(db), rows, n);
  }

  adam(s: AdamStep, p: View, grad: View, m: View, v: View, vMax: View | null): void {
    if (!this.float32("adam", [p, grad, m, v, vMax], () => refFused.adam(this.data, s, p, grad, m, v, vMax)))
      return;
    const f = Math.fround;
    const flags = (s.maximize ? 1 : 0) | (s.decoupled ? 2 : 0) | (s.weightDecay !== 0 ? 4 : 0);
    const scalars = [f(1 - s.lr * s.weightDecay), f(s.weightDecay), f(s.beta1), f(1 - s.beta1), f(s.beta2)];
    scalars.push(f(1 - s.beta2), f(s.bias2Sqrt), f(s.eps), f(s.lr / s.bias1));
    const [pp, pg, pm, pv, px] = [this.at(p), this.at(grad), this.at(m), this.at(v), this.at(vMax)];
    // every element's update is the same operations whichever loop (SIMD or tail) runs it
    this.split(size(p), size(p) * CHEAP, (i, count) => {
      const o = i * 4;
      return [KERNEL.adam, pp + o, pg + o, pm + o, pv + o, px && px + o, count, flags, ...scalars];
    });
  }

  // --- helpers

  /** The byte address of a contiguous view's first element (0 for an absent view). */
  private at(v: View | null): number {
    return v ? this.ptr(v) + v.offset * WIDTH[v.dtype] : 0;
  }

  /** The buffer's values as a typed array over the heap (valid until the next allocation). */
  private typed(buf: Buf): TypedArray {
    const b = this.own(buf);
    return new CTOR[b.dtype](this.heap.bytes as ArrayBuffer, b.ptr, b.size);
  }
  /** What the reference kernels read and write through: views of the same heap. */
  private readonly data = (v: View): TypedArray => this.typed(v.buf);

  private own(buf: Buf): WasmBuf {
    if (!(buf instanceof WasmBuf) || buf.owner !== this)
      throw new Error(
        `${this.name} backend: a buffer of another backend reached it; create or copy tensors on one backend`,
      );
    if (buf.slot.freed) throw new Error(`${this.name} backend: a buffer was used after free()`);
    return buf;
  }
  /** Starts a kernel call: brings its buffers into the heap and pins them there until the next call. */
  private use(...views: View[]): void {
    this.residency.begin();
    for (const v of views) {
      const b = this.own(v.buf);
      this.residency.touch(b, b.slot);
    }
  }
  private ptr(v: View): number {
    return this.own(v.buf).slot.ptr;
  }

  private argWords(): Int32Array {
    return new Int32Array(this.heap.bytes, this.args, ARGS.WORDS);
  }

  private count(k: KernelName, native: boolean): void {
    if (native) this.counts[k].native++;
    else this.counts[k].fallback++;
  }
  /**
   * Starts a kernel that runs natively on float32 only: pins its views (nulls are absent
   * operands); false, after running `ref` (the reference kernel on the heap), when any is not float32.
   */
  private float32(k: KernelName, views: readonly (View | null)[], ref: () => void): boolean {
    const present = views.filter((v): v is View => v !== null);
    this.use(...present);
    const native = present.every((v) => v.dtype === "float32");
    if (native) this.count(k, true);
    else this.fallback(k, ref);
    return native;
  }

  private fallback(k: KernelName, run: () => void): void {
    this.count(k, false);
    run();
  }

  /**
   * Runs a kernel whose arguments are in the argument block: on this thread alone, or, when the
   * pool is up and the op's `work` (elements, weighted by cost) is large, cut into one slice per thread along the count in word `count`,
   * each slice with its own copy of the block where every [offset word, stride word] pair in
   * `shifts` is moved to the slice's start. `job(args, start)` is the kernel call for a slice.
   */
  private slices(
    work: number,
    count: number,
    shifts: readonly (readonly [number, number])[],
    job: (args: number, start: number) => Job,
  ): void {
    const total = this.argWords()[count]!;
    const threads = this.threadsFor(work, total);
    if (threads <= 1) return this.runJob(job(this.args, 0));
    const blocks = this.threadArgs(threads);
    const words = this.argWords().slice(); // (threadArgs may have grown the heap)
    const at = (t: number) => blocks + t * ARGS.WORDS * 4;
    const start = (t: number) => Math.floor((total * t) / threads);
    for (let t = 0; t < threads; t++) {
      const mine = new Int32Array(this.heap.bytes, at(t), ARGS.WORDS);
      mine.set(words);
      mine[count] = start(t + 1) - start(t);
      for (const [offset, stride] of shifts) mine[offset] += start(t) * words[stride]!;
    }
    this.pool!.run(
      Array.from({ length: threads - 1 }, (_, t) => job(at(t + 1), start(t + 1))),
      () => this.runJob(job(at(0), 0)),
    );
  }

  /**
   * Runs `job(first, count)` over `total` independent rows (or elements): on this thread alone, or,
   * when the pool is up and `work` elements are worth waking it, one contiguous range per thread.
   */
  private split(total: number, work: number, job: (first: number, count: number) => Job): void {
    if (total === 0) return;
    const threads = this.threadsFor(work, total);
    if (threads <= 1) return this.runJob(job(0, total));
    const start = (t: number) => Math.floor((total * t) / threads);
    const range = (t: number) => job(start(t), start(t + 1) - start(t));
    this.pool!.run(
      Array.from({ length: threads - 1 }, (_, t) => range(t + 1)),
      () => this.runJob(range(0)),
    );
  }

  /** How many threads (this one included) share `total` pieces of an op of `work` elements. */
  private threadsFor(work: number, total: number): number {
    return this.pool && work >= THREAD_MIN_ELEMENTS ? Math.min(this.pool.size + 1, total) : 1;
  }

  /** Runs a job on this thread. */
  private runJob(job: Job): void {
    (this.kernels[job[0]!] as (...args: number[]) => void)(...job.slice(1));
  }

  /** Argument blocks for `threads` slices. */
  private threadArgs(threads: number): number {
    return this.kept(this.sliceArgs, threads * ARGS.WORDS * 4, "thread argument blocks");
  }
  private readonly sliceArgs = { ptr: 0, block: 0 };

  /** A scratch block of at least `bytes` (matmul packing). */
  private scratchFor(bytes: number): number {
    return this.kept(this.scratch, bytes, "matmul packing scratch");
  }

  /** The address of a heap block kept between calls in `k`, grown (reallocated) when `bytes` is more. */
  private kept(k: { ptr: number; block: number }, bytes: number, what: string): number {
    if (k.block < bytes) {
      if (k.block) this.heap.release(k.ptr, k.block);
      const s = this.heap.alloc(bytes, what);
      [k.ptr, k.block] = [s.ptr, s.size];
    }
    return k.ptr;
  }
}

function size(v: View): number {
  let n = 1;
  for (const d of v.shape) n *= d;
  return n;
}
