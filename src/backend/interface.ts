// The kernel interface every backend implements: opaque buffers plus a small, fixed set of
// kernels over strided views. It knows nothing of Tensor or autograd.
import type { DType, TypedArray } from "../util/dtype.js";

/** An opaque handle to a backend's memory. Only the backend that made it looks inside. */
export interface Buf {
  readonly dtype: DType;
  readonly size: number;
  /** How many holders the op layer counts on it (ops/ndarray.ts claim/unclaim); backends start it at 0. */
  claims: number;
}

/** A strided window onto a buffer: element (i0, i1, …) lives at offset + Σ ik·strides[k]. */
export interface View {
  readonly buf: Buf;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type UnaryOp =
  | "neg"
  | "abs"
  | "exp"
  | "log"
  | "log1p"
  | "expm1"
  | "sqrt"
  | "rsqrt"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "relu"
  | "sign"
  | "floor"
  | "ceil"
  | "round"
  | "erf"
  | "logicalNot"
  | "isnan"
  | "isinf"
  /** fused: ½x(1 + tanh(√(2/π)(x + 0.044715x³))), GELU's tanh approximation, in one pass */
  | "geluTanh";

export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "logicalAnd"
  | "logicalOr"
  | "logicalXor"
  | "remainder"
  | "fmod"
  | "atan2"
  /** fused: b · geluTanh′(a), geluTanh's backward (its gradient b, its input a) in one pass */
  | "geluTanhBackward";

/**
 * Ops whose output is bool whatever their inputs' dtype. The binary ones (comparisons and logical
 * connectives) are, in this order, the last op codes of the wasm kernels (wasm/abi.ts).
 */
export const BOOL_OUTPUT_OPS: ReadonlySet<BinaryOp> = new Set<BinaryOp>([
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
]);
export const BOOL_OUTPUT_UNARY_OPS: ReadonlySet<UnaryOp> = new Set<UnaryOp>(["logicalNot", "isnan", "isinf"]);

/** The fused kernels (below), which run only for floating-point dtypes. */
export const FUSED_KERNELS: ReadonlySet<string> = new Set([
  "softmax",
  "softmaxBackward",
  "layerNorm",
  "layerNormBackward",
  "adam",
]);

/** A backend heap's state, in bytes and counts (see nb.memory()). */
export interface MemoryStats {
  /** The heap's current size, and the most it may grow to. */
  heapBytes: number;
  maxBytes: number;
  /** How large the heap grows before least-recently-used buffers move out. */
  residentBudgetBytes: number;
  /** Bytes of live blocks, and of free blocks below the heap's top. */
  usedBytes: number;
  freeBytes: number;
  /** Buffers in the heap now. */
  residentBuffers: number;
  /** Buffers moved out to JS memory and brought back since the backend started, and their bytes. */
  movedOut: number;
  movedIn: number;
  bytesMovedOut: number;
  bytesMovedIn: number;
}

/** Reductions; argmax/argmin write int32 indices of the first extreme value. */
export type ReduceOp = "sum" | "prod" | "max" | "min" | "argmax" | "argmin";
export type ScanOp = "sum" | "prod";

/** Convolution geometry for im2col/col2im over N spatial dims (1 or 2). */
export interface ConvGeometry {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  /** padding value read outside the input (0 for convolution, -Infinity for max pooling) */
  readonly padValue: number;
}

export type KernelName =
  | "fill"
  | "copy"
  | "unary"
  | "binary"
  | "where"
  | "reduce"
  | "scan"
  | "matmul"
  | "gather"
  | "scatterAdd"
  | "im2col"
  | "col2im"
  | "softmax"
  | "softmaxBackward"
  | "layerNorm"
  | "layerNormBackward"
  | "adam";

/** A causal mask as softmax applies it: stacks of `rows` queries, row i keeping keys j ≤ i + diagonal. */
export interface CausalRows {
  readonly rows: number;
  readonly diagonal: number;
}

/**
 * One Adam or AdamW step's scalars (optim/adam.ts), as PyTorch's formula uses them. With
 * `decoupled` (AdamW) the weights decay directly, p ← p·(1 − lr·weightDecay); otherwise
 * weightDecay·p is added to the gradient.
 */
export interface AdamStep {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  readonly maximize: boolean;
  /** 1 − β1^t and √(1 − β2^t) for step t */
  readonly bias1: number;
  readonly bias2Sqrt: number;
}

/**
 * A backend. `out` views given to kernels are always freshly allocated and contiguous unless a
 * kernel says otherwise (`copy`, `fill` and `scatterAdd` write into any view).
 */
export interface Backend {
  readonly name: string;
  /** Whether this backend runs `kernel` (optionally a specific sub-op) for `dtype`. */
  supports(kernel: KernelName, dtype: DType, op?: string): boolean;

  /**
   * A zero-filled buffer of `size` elements; with `overwritten` the caller promises to write every
   * element before reading any (a kernel's output), so the backend may skip the zeroing.
   */
  alloc(dtype: DType, size: number, overwritten?: boolean): Buf;
  free(buf: Buf): void;
  write(buf: Buf, data: ArrayLike<number>, offset?: number): void;
  read(buf: Buf): Promise<TypedArray>;
  /** Synchronous read; CPU backends only. */
  readSync?(buf: Buf): TypedArray;
  /** What the backend's memory holds now (backends with a heap of their own). */
  memory?(): MemoryStats;

  fill(dst: View, value: number): void;
  /** dst[i] = cast(src[i]) elementwise over the common shape. */
  copy(src: View, dst: View): void;
  unary(op: UnaryOp, x: View, out: View): void;
  /** a, b and out have out's shape (broadcast already applied through zero strides). */
  binary(op: BinaryOp, a: View, b: View, out: View): void;
  where(cond: View, a: View, b: View, out: View): void;
  /** Reduces x over `axes` (sorted, distinct); out has x's shape without those axes. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], out: View): void;
  /** Inclusive prefix sum or product along `axis`; out has x's shape. */
  scan(op: ScanOp, x: View, axis: number, out: View): void;
  /**
   * out[…] = a[…] @ b[…] over one or two batch dims: a is [B,M,K] or [B1,B2,M,K], b is [B,K,N]
   * or [B1,B2,K,N], out is [B,M,N] or [B1,B2,M,N]; any strides on a and b (two batch dims let a
   * permuted stack, like attention's heads, multiply without being copied first). With `bias` (a
   * contiguous [N]) every row of out gets it added: a Linear layer's x·Wᵀ + b in one pass (a backend
   * that cannot answers false to supports("matmul", dtype, "bias"), and the bias is added after).
   */
  matmul(a: View, b: View, out: View, bias?: View | null): void;
  /** out[…, i, …] = x[…, index[…, i, …], …] along `axis`; index is int32 with out's shape. */
  gather(x: View, axis: number, index: View, out: View): void;
  /** dst[…, index[…, i, …], …] += src[…, i, …] along `axis`, in place; index has src's shape. */
  scatterAdd(dst: View, axis: number, index: View, src: View): void;
  /**
   * x is [N, C, ...spatial]; out is [N, C, ...kernel, ...outSpatial] (contiguous), each entry the
   * input value seen by kernel offset k at output position p (padValue outside).
   */
  im2col(x: View, g: ConvGeometry, out: View): void;
  /** The adjoint of im2col: sums cols [N, C, ...kernel, ...outSpatial] back into out [N, C, ...spatial]. */
  col2im(cols: View, g: ConvGeometry, out: View): void;

  // Fused kernels. Each replaces a chain of the kernels above on the hot path of training; the op
  // layer calls them only on contiguous views (a row is the last dim) and otherwise, or when
  // `supports` says no, runs the chain. Float dtypes only.

  /**
   * out = softmax(x) along each row, or logSoftmax with `log`; x, out are [rows, n]. With `causal`
   * (softmax only) the rows are stacks of `causal.rows` queries, and row i of a stack keeps only
   * entries j ≤ i + diagonal: the rest get weight 0, as with a −∞ mask (a row left empty is NaN).
   */
  softmax(x: View, out: View, log: boolean, causal?: CausalRows | null): void;
  /**
   * softmax's backward from its output y and the output's gradient dy ([rows, n]):
   * dx = y·(dy − Σ dy·y), or with `log` (y = logSoftmax) dx = dy − e^y·Σ dy.
   */
  softmaxBackward(y: View, dy: View, out: View, log: boolean): void;
  /**
   * Layer normalization of each row of x [rows, n]: out = (x − mean)·rstd·weight + bias, with
   * rstd = 1/√(var + eps) (biased variance); weight and bias ([n]) may be null. Writes mean and
   * rstd ([rows]) for the backward.
   */
  layerNorm(
    x: View,
    weight: View | null,
    bias: View | null,
    eps: number,
    out: View,
    mean: View,
    rstd: View,
  ): void;
  /**
   * Its backward: dx [rows, n] from x, mean, rstd, weight and dy; with dWeight/dBias ([n], or
   * null when not wanted) set to Σ over rows of dy·x̂ and of dy.
   */
  layerNormBackward(
    x: View,
    mean: View,
    rstd: View,
    weight: View | null,
    dy: View,
    dx: View,
    dWeight: View | null,
    dBias: View | null,
  ): void;
  /**
   * One Adam/AdamW step in place: p, m, v (and vMax, AMSGrad's running maximum of v, unless
   * null) are updated from grad; all contiguous, of one float dtype and size. The float32 result
   * is bit for bit the chain of float32 kernels optim/adam.ts would run, in the same order.
   */
  adam(step: AdamStep, p: View, grad: View, m: View, v: View, vMax: View | null): void;
}
