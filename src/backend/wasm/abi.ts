// The functions the kernels module (src/backend/wasm/assembly/index.ts) exports, as JS sees them.
// Pointers are byte addresses in the heap; strides and offsets count elements.
import { BOOL_OUTPUT_OPS } from "../interface.js";

export interface KernelExports {
  heapBase(): number;
  zero(ptr: number, bytes: number): void;
  move(dst: number, src: number, bytes: number): void;
  copy(srcDtype: number, src: number, dstDtype: number, dst: number, args: number): void;
  fill32(dst: number, bits: number, args: number): void;
  fill64(dst: number, value: number, args: number): void;
  fill8(dst: number, value: number, args: number): void;
  where(width: number, cond: number, a: number, b: number, out: number, args: number): void;
  unaryF32(op: number, x: number, out: number, args: number): void;
  binaryF32(op: number, a: number, b: number, out: number, args: number): void;
  reduceInner(
    op: number,
    x: number,
    rStarts: number,
    nr: number,
    rn: number,
    rs: number,
    kStarts: number,
    nk: number,
    kn: number,
    ks: number,
    out: number,
  ): void;
  reduceOuter(
    op: number,
    x: number,
    rOffs: number,
    nro: number,
    kStarts: number,
    nk: number,
    kn: number,
    ks: number,
    acc: number,
    at: number,
    out: number,
    size: number,
  ): void;
  scanF32(op: number, x: number, out: number, n: number, sx: number, so: number, args: number): void;
  softmaxF32(
    x: number,
    out: number,
    rows: number,
    n: number,
    log: boolean,
    causalRows: number,
    diagonal: number,
    r0: number,
  ): void;
  softmaxBackwardF32(y: number, dy: number, out: number, rows: number, n: number, log: boolean): void;
  layerNormF32(
    x: number,
    w: number,
    b: number,
    eps: number,
    out: number,
    mean: number,
    rstd: number,
    rows: number,
    n: number,
  ): void;
  layerNormBackwardF32(
    x: number,
    mean: number,
    rstd: number,
    w: number,
    dy: number,
    dx: number,
    dw: number,
    db: number,
    rows: number,
    n: number,
  ): void;
  adamF32(
    p: number,
    g: number,
    m: number,
    v: number,
    vmax: number,
    n: number,
    flags: number,
    decay: number,
    wd: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    bias2: number,
    eps: number,
    step: number,
  ): void;
  matmulF32(
    nb1: number,
    ab1: number,
    bb1: number,
    ob1: number,
    a: number,
    as0: number,
    as1: number,
    as2: number,
    b: number,
    bs0: number,
    bs1: number,
    bs2: number,
    out: number,
    os0: number,
    ldo: number,
    bias: number,
    nb: number,
    m: number,
    k: number,
    n: number,
    packA: number,
    packB: number,
    tile: number,
  ): void;
  gather(
    width: number,
    x: number,
    sAxis: number,
    n: number,
    index: number,
    out: number,
    args: number,
  ): number;
  scatterAdd(
    dtype: number,
    dst: number,
    sAxis: number,
    n: number,
    index: number,
    src: number,
    args: number,
  ): number;
  badIndex(): number;
  im2col(x: number, out: number, pad: number, args: number): void;
  col2im(cols: number, out: number, args: number): void;
}

/** Blocking of the matmul kernel (assembly/matmul.ts), for sizing its scratch. */
export const MATMUL = { MR: 4, NR: 8, KC: 256, MC: 64, NC: 1024 } as const;

/** dtype codes of copy/scatterAdd. */
export const DTYPE_CODE = { float32: 0, float64: 1, int32: 2, bool: 3 } as const;

/** Op codes, in the order of assembly/elementwise.ts's switches (the bool-output binary ops last). */
export const UNARY_CODE: Record<string, number> = Object.fromEntries(
  [
    "neg",
    "abs",
    "exp",
    "log",
    "log1p",
    "expm1",
    "sqrt",
    "rsqrt",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "relu",
    "sign",
    "floor",
    "ceil",
    "round",
    "erf",
    "logicalNot",
    "isnan",
    "isinf",
    "geluTanh",
  ].map((op, i) => [op, i]),
);
export const BINARY_CODE: Record<string, number> = Object.fromEntries(
  [
    "add",
    "sub",
    "mul",
    "div",
    "pow",
    "maximum",
    "minimum",
    "remainder",
    "fmod",
    "atan2",
    "geluTanhBackward",
    ...BOOL_OUTPUT_OPS,
  ].map((op, i) => [op, i]),
);
export const REDUCE_CODE = { sum: 0, prod: 1, max: 2, min: 3, argmax: 4, argmin: 5 } as const;

/** Layout of the argument block (assembly/iter.ts). */
export const ARGS = { MAXD: 16, SHAPE: 1, STRIDES: 17, OFFSETS: 81, WORDS: 128 } as const;
