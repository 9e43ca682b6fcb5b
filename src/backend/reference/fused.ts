// Reference fused kernels: softmax and layer norm over the rows of contiguous views (with their
// backwards) and one Adam step. Rows accumulate in float64; Adam rounds after every operation, so
// that it matches, bit for bit, the chain of single kernels it replaces.
import type { AdamStep, CausalRows, View } from "../interface.js";
import type { TypedArray } from "../../util/dtype.js";

type Data = (v: View) => TypedArray;

/** The row length (last dim, 1 for a 0-d view) and the number of rows of a contiguous view. */
export function rowsOf(v: View): [rows: number, n: number] {
  const n = v.shape.length ? v.shape[v.shape.length - 1]! : 1;
  const size = v.shape.reduce((a, b) => a * b, 1);
  return [n === 0 ? 0 : size / n, n];
}

export function softmax(
  data: Data,
  x: View,
  out: View,
  log: boolean,
  causal: CausalRows | null = null,
): void {
  const a = data(x);
  const d = data(out);
  const [rows, n] = rowsOf(x);
  for (let r = 0; r < rows; r++) {
    const i0 = x.offset + r * n;
    const o0 = out.offset + r * n;
    // the entries this row keeps: all, or under a causal mask those up to its diagonal
    const k = causal ? Math.max(0, Math.min(n, (r % causal.rows) + causal.diagonal + 1)) : n;
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = a[i0 + j]! > max || Number.isNaN(a[i0 + j]!) ? a[i0 + j]! : max;
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(a[i0 + j]! - max);
    if (log) {
      const ls = Math.log(sum);
      for (let j = 0; j < n; j++) d[o0 + j] = a[i0 + j]! - max - ls;
    } else {
      for (let j = 0; j < k; j++) d[o0 + j] = Math.exp(a[i0 + j]! - max) / sum;
      for (let j = k; j < n; j++) d[o0 + j] = k === 0 ? NaN : 0;
    }
  }
}

export function softmaxBackward(data: Data, y: View, dy: View, out: View, log: boolean): void {
  const yv = data(y);
  const g = data(dy);
  const d = data(out);
  const [rows, n] = rowsOf(y);
  for (let r = 0; r < rows; r++) {
    const y0 = y.offset + r * n;
    const g0 = dy.offset + r * n;
    const o0 = out.offset + r * n;
    let dot = 0;
    if (log) {
      for (let j = 0; j < n; j++) dot += g[g0 + j]!;
      for (let j = 0; j < n; j++) d[o0 + j] = g[g0 + j]! - Math.exp(yv[y0 + j]!) * dot;
    } else {
      for (let j = 0; j < n; j++) dot += g[g0 + j]! * yv[y0 + j]!;
      for (let j = 0; j < n; j++) d[o0 + j] = yv[y0 + j]! * (g[g0 + j]! - dot);
    }
  }
}

export function layerNorm(
  data: Data,
  x: View,
  weight: View | null,
  bias: View | null,
  eps: number,
  out: View,
  mean: View,
  rstd: View,
): void {
  const a = data(x);
  const d = data(out);
  const w = weight && data(weight);
  const b = bias && data(bias);
  const [rows, n] = rowsOf(x);
  for (let r = 0; r < rows; r++) {
    const i0 = x.offset + r * n;
    const o0 = out.offset + r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i0 + j]!;
    const mu = s / n;
    let ss = 0;
    for (let j = 0; j < n; j++) ss += (a[i0 + j]! - mu) ** 2;
    const rs = 1 / Math.sqrt(ss / n + eps);
    data(mean)[mean.offset + r] = mu;
    data(rstd)[rstd.offset + r] = rs;
    for (let j = 0; j < n; j++) {
      let v = (a[i0 + j]! - mu) * rs;
      if (w) v *= w[weight!.offset + j]!;
      if (b) v += b[bias!.offset + j]!;
      d[o0 + j] = v;
    }
  }
}

export function layerNormBackward(
  data: Data,
  x: View,
  mean: View,
  rstd: View,
  weight: View | null,
  dy: View,
  dx: View,
  dWeight: View | null,
  dBias: View | null,
): void {
  const a = data(x);
  const g = data(dy);
  const d = data(dx);
  const w = weight && data(weight);
  const [rows, n] = rowsOf(x);
  const dw = new Float64Array(n);
  const db = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const i0 = x.offset + r * n;
    const g0 = dy.offset + r * n;
    const o0 = dx.offset + r * n;
    const mu = data(mean)[mean.offset + r]!;
    const rs = data(rstd)[rstd.offset + r]!;
    // with ĝ = dy·weight: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < n; j++) {
      const xh = (a[i0 + j]! - mu) * rs;
      const gh = w ? g[g0 + j]! * w[weight!.offset + j]! : g[g0 + j]!;
      sg += gh;
      sgx += gh * xh;
      dw[j] += g[g0 + j]! * xh;
      db[j] += g[g0 + j]!;
    }
    for (let j = 0; j < n; j++) {
      const xh = (a[i0 + j]! - mu) * rs;
      const gh = w ? g[g0 + j]! * w[weight!.offset + j]! : g[g0 + j]!;
      d[o0 + j] = rs * (gh - sg / n - (xh * sgx) / n);
    }
  }
  if (dWeight) data(dWeight).set(dw, dWeight.offset);
  if (dBias) data(dBias).set(db, dBias.offset);
}

export function adam(
  data: Data,
  s: AdamStep,
  p: View,
  grad: View,
  m: View,
  v: View,
  vMax: View | null,
): void {
  const n = p.shape.reduce((x, y) => x * y, 1);
  const [P, G, M, V] = [data(p), data(grad), data(m), data(v)];
  const X = vMax && data(vMax);
  // float32 rounds after each operation, as the separate kernels store each result; the loop is
  // written once per dtype so that each is a tight monomorphic loop
  if (p.dtype === "float32")
    adamLoop(Math.fround, s, n, P, p.offset, G, grad.offset, M, m.offset, V, v.offset, X, vMax?.offset ?? 0);
  else
    adamLoop(
      (z: number) => z,
      s,
      n,
      P,
      p.offset,
      G,
      grad.offset,
      M,
      m.offset,
      V,
      v.offset,
      X,
      vMax?.offset ?? 0,
    );
}

function adamLoop(
  f: (z: number) => number,
  s: AdamStep,
  n: number,
  P: TypedArray,
  po: number,
  G: TypedArray,
  go: number,
  M: TypedArray,
  mo: number,
  V: TypedArray,
  vo: number,
  X: TypedArray | null,
  xo: number,
): void {
  const decay = f(1 - s.lr * s.weightDecay);
  const wd = f(s.weightDecay);
  const [b1, c1, b2, c2] = [f(s.beta1), f(1 - s.beta1), f(s.beta2), f(1 - s.beta2)];
  const [bias2, eps, step] = [f(s.bias2Sqrt), f(s.eps), f(s.lr / s.bias1)];
  const { maximize, decoupled } = s;
  const decays = s.weightDecay !== 0;
  for (let i = 0; i < n; i++) {
    let w = P[po + i]!;
    let d = G[go + i]!;
    if (maximize) d = -d;
    if (decays) {
      if (decoupled) w = f(w * decay);
      else d = f(d + f(w * wd));
    }
    const mi = f(f(M[mo + i]! * b1) + f(d * c1));
    let vi = f(f(V[vo + i]! * b2) + f(f(d * d) * c2));
    V[vo + i] = vi;
    if (X) vi = X[xo + i] = Math.max(X[xo + i]!, vi);
    M[mo + i] = mi;
    const denom = f(f(f(Math.sqrt(vi)) / bias2) + eps);
    P[po + i] = f(w - f(f(mi / denom) * step));
  }
}
