// Reference elementwise kernels: fill, copy (with cast), unary, binary and where over strided views.
// One tight loop per op, so no closure runs per element.
import type { BinaryOp, UnaryOp, View } from "../interface.js";
import type { TypedArray } from "../../util/dtype.js";
import { fail } from "../../util/errors.js";
import { forEachRow } from "./strided.js";

type Data = (v: View) => TypedArray;

export function fill(data: Data, dst: View, value: number): void {
  const d = data(dst);
  const v = dst.dtype === "bool" ? (value !== 0 ? 1 : 0) : value;
  forEachRow(dst.shape, [dst], ([o], n, [s]) => {
    for (let i = 0; i < n; i++) d[o! + i * s!] = v;
  });
}

export function copy(data: Data, src: View, dst: View): void {
  const a = data(src);
  const d = data(dst);
  const toBool = dst.dtype === "bool" && src.dtype !== "bool";
  forEachRow(dst.shape, [src, dst], ([oa, od], n, [sa, sd]) => {
    if (toBool) for (let i = 0; i < n; i++) d[od! + i * sd!] = a[oa! + i * sa!] !== 0 ? 1 : 0;
    else for (let i = 0; i < n; i++) d[od! + i * sd!] = a[oa! + i * sa!]!;
  });
}

const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

/** ½x(1 + tanh(k(x + cx³))): GELU's tanh approximation. */
function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_K * (x + GELU_C * x * x * x)));
}

/** d/dx of geluTanh: ½(1 + t) + ½x(1 − t²)·k(1 + 3cx²), t = tanh(k(x + cx³)). */
function geluTanhGrad(x: number): number {
  const t = Math.tanh(GELU_K * (x + GELU_C * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * x * x);
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse for an oracle; use the series / continued fraction split.
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x); // erfc(6) ≈ 2e-17 is below half an ulp of 1 (and this covers ±inf)
  if (ax < 2.5) {
    // Maclaurin series: erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz) for the tail
  const x2 = ax * ax;
  let f = ax;
  let C = ax;
  let D = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    D = ax + an * D;
    D = 1 / D;
    C = ax + an / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-x2) / (f * Math.sqrt(Math.PI));
  return Math.sign(x) * (1 - erfc);
}

export function unary(data: Data, op: UnaryOp, x: View, out: View): void {
  const a = data(x);
  const d = data(out);
  forEachRow(out.shape, [x, out], ([oa, od], n, [sa, sd]) => {
    let p = oa!;
    let q = od!;
    const s = sa!;
    const t = sd!;
    // prettier-ignore
    switch (op) {
      case "neg": for (let i = 0; i < n; i++, p += s, q += t) d[q] = -a[p]!; break;
      case "abs": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.abs(a[p]!); break;
      case "exp": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.exp(a[p]!); break;
      case "log": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.log(a[p]!); break;
      case "log1p": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.log1p(a[p]!); break;
      case "expm1": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.expm1(a[p]!); break;
      case "sqrt": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.sqrt(a[p]!); break;
      case "rsqrt": for (let i = 0; i < n; i++, p += s, q += t) d[q] = 1 / Math.sqrt(a[p]!); break;
      case "sin": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.sin(a[p]!); break;
      case "cos": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.cos(a[p]!); break;
      case "tanh": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.tanh(a[p]!); break;
      case "sigmoid":
        for (let i = 0; i < n; i++, p += s, q += t) {
          const v = a[p]!;
          d[q] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
        }
        break;
      // NaN passes through relu but has sign 0, as in PyTorch
      case "relu": for (let i = 0; i < n; i++, p += s, q += t) d[q] = a[p]! <= 0 ? 0 : a[p]!; break;
      case "sign": for (let i = 0; i < n; i++, p += s, q += t) d[q] = a[p]! > 0 ? 1 : a[p]! < 0 ? -1 : 0; break;
      case "floor": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.floor(a[p]!); break;
      case "ceil": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Math.ceil(a[p]!); break;
      case "round":
        // round half to even, as torch.round does
        for (let i = 0; i < n; i++, p += s, q += t) {
          const v = a[p]!;
          const r = Math.round(v);
          d[q] = Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
        }
        break;
      case "erf": for (let i = 0; i < n; i++, p += s, q += t) d[q] = erf(a[p]!); break;
      case "logicalNot": for (let i = 0; i < n; i++, p += s, q += t) d[q] = a[p]! === 0 ? 1 : 0; break;
      case "isnan": for (let i = 0; i < n; i++, p += s, q += t) d[q] = Number.isNaN(a[p]!) ? 1 : 0; break;
      case "isinf":
        for (let i = 0; i < n; i++, p += s, q += t) d[q] = a[p] === Infinity || a[p] === -Infinity ? 1 : 0;
        break;
      case "geluTanh": for (let i = 0; i < n; i++, p += s, q += t) d[q] = geluTanh(a[p]!); break;
      default: throw new Error(`reference backend: unknown unary op ${op as string}`);
    }
  });
}

export function binary(data: Data, op: BinaryOp, x: View, y: View, out: View): void {
  const a = data(x);
  const b = data(y);
  const d = data(out);
  const isInt = out.dtype === "int32";
  forEachRow(out.shape, [x, y, out], ([oa, ob, od], n, [sa, sb, sd]) => {
    let p = oa!;
    let r = ob!;
    let q = od!;
    const s = sa!;
    const u = sb!;
    const t = sd!;
    // prettier-ignore
    switch (op) {
      case "add": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p]! + b[r]!; break;
      case "sub": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p]! - b[r]!; break;
      case "mul": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p]! * b[r]!; break;
      case "div":
        // integers divide truncating (true division promotes to float before reaching here)
        if (isInt) {
          for (let i = 0; i < n; i++, p += s, r += u, q += t) {
            if (b[r] === 0) fail(op, "integer division by zero");
            d[q] = Math.trunc(a[p]! / b[r]!);
          }
        } else for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p]! / b[r]!;
        break;
      case "pow":
        // C's pow, which PyTorch follows: 1^y = 1 for every y and (-1)^±inf = 1 (JS gives NaN)
        for (let i = 0; i < n; i++, p += s, r += u, q += t) {
          const v = a[p]!;
          const w = b[r]!;
          d[q] = v === 1 || (v === -1 && (w === Infinity || w === -Infinity)) ? 1 : Math.pow(v, w);
        }
        break;
      case "maximum":
        for (let i = 0; i < n; i++, p += s, r += u, q += t) {
          const v = a[p]!;
          const w = b[r]!;
          d[q] = v !== v || w !== w ? NaN : v > w ? v : w;
        }
        break;
      case "minimum":
        for (let i = 0; i < n; i++, p += s, r += u, q += t) {
          const v = a[p]!;
          const w = b[r]!;
          d[q] = v !== v || w !== w ? NaN : v < w ? v : w;
        }
        break;
      case "eq": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p] === b[r] ? 1 : 0; break;
      case "ne": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p] !== b[r] ? 1 : 0; break;
      case "lt": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p]! < b[r]! ? 1 : 0; break;
      case "le": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p]! <= b[r]! ? 1 : 0; break;
      case "gt": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p]! > b[r]! ? 1 : 0; break;
      case "ge": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p]! >= b[r]! ? 1 : 0; break;
      case "logicalAnd":
        for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p] !== 0 && b[r] !== 0 ? 1 : 0;
        break;
      case "logicalOr":
        for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = a[p] !== 0 || b[r] !== 0 ? 1 : 0;
        break;
      case "logicalXor":
        for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = (a[p] !== 0) !== (b[r] !== 0) ? 1 : 0;
        break;
      case "remainder":
        // Python/PyTorch remainder: C's fmod (JS %, exact), moved into the divisor's sign
        for (let i = 0; i < n; i++, p += s, r += u, q += t) {
          const w = b[r]!;
          if (isInt && w === 0) fail(op, "integer division by zero");
          const m = a[p]! % w;
          d[q] = m !== 0 && m < 0 !== w < 0 ? m + w : m;
        }
        break;
      case "fmod":
        // C's fmod: the result takes the dividend's sign
        for (let i = 0; i < n; i++, p += s, r += u, q += t) {
          if (isInt && b[r] === 0) fail(op, "integer division by zero");
          d[q] = a[p]! % b[r]!;
        }
        break;
      case "atan2": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = Math.atan2(a[p]!, b[r]!); break;
      case "geluTanhBackward": for (let i = 0; i < n; i++, p += s, r += u, q += t) d[q] = b[r]! * geluTanhGrad(a[p]!); break;
      default: throw new Error(`reference backend: unknown binary op ${op as string}`);
    }
  });
}

export function where(data: Data, cond: View, x: View, y: View, out: View): void {
  const c = data(cond);
  const a = data(x);
  const b = data(y);
  const d = data(out);
  forEachRow(out.shape, [cond, x, y, out], ([oc, oa, ob, od], n, [sc, sa, sb, sd]) => {
    for (let i = 0; i < n; i++) d[od! + i * sd!] = c[oc! + i * sc!] ? a[oa! + i * sa!]! : b[ob! + i * sb!]!;
  });
}
