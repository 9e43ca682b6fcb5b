// Reference im2col/col2im for 1-D and 2-D convolution and pooling. Layout of cols:
// [N, C, ...kernel, ...outSpatial], so conv is a matmul over (C·kernel) and pooling a reduce over kernel.
import type { ConvGeometry, View } from "../interface.js";
import type { TypedArray } from "../../util/dtype.js";

type Data = (v: View) => TypedArray;

/** 2-D geometry; 1-D is lifted to it with a unit leading spatial dim, so one loop nest serves both. */
interface Geo2 {
  N: number;
  C: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  oh: number;
  ow: number;
}

/**
 * `image` is the [N, C, ...spatial] shape, `cols` the [N, C, ...kernel, ...outSpatial] shape; the
 * output size is read from cols (not recomputed), so callers decide it.
 */
function geo2(image: readonly number[], cols: readonly number[], g: ConvGeometry): Geo2 {
  const two = g.kernel.length === 2;
  const pick = (a: readonly number[], unit: number): [number, number] =>
    two ? [a[0]!, a[1]!] : [unit, a[0]!];
  const [H, W] = two ? [image[2]!, image[3]!] : [1, image[2]!];
  const [kh, kw] = pick(g.kernel, 1);
  const [sh, sw] = pick(g.stride, 1);
  const [ph, pw] = pick(g.padding, 0);
  const [dh, dw] = pick(g.dilation, 1);
  const [oh, ow] = two ? [cols[4]!, cols[5]!] : [1, cols[3]!];
  return { N: image[0]!, C: image[1]!, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
}

/** Strides of a 1-D or 2-D view as [n, c, ...spatial(2)], with 0 for the lifted dims. */
function imageStrides(v: View, twoD: boolean): [number, number, number, number] {
  const s = v.strides;
  return twoD ? [s[0]!, s[1]!, s[2]!, s[3]!] : [s[0]!, s[1]!, 0, s[2]!];
}
function colStrides(v: View, twoD: boolean): [number, number, number, number, number, number] {
  const s = v.strides;
  return twoD ? [s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!] : [s[0]!, s[1]!, 0, s[2]!, 0, s[3]!];
}

/**
 * For kernel offset k: the output positions o in [lo, hi) whose input index
 * o·stride − pad + k·dilation lies inside [0, size). Hoists the bounds test out of the inner loop.
 */
function inRange(size: number, out: number, stride: number, pad: number, off: number): [number, number] {
  const start = off - pad; // input index at o = 0
  const lo = start >= 0 ? 0 : Math.ceil(-start / stride);
  const hi = size - start <= 0 ? 0 : Math.ceil((size - start) / stride);
  const a = Math.min(lo, out);
  return [a, Math.max(a, Math.min(hi, out))];
}

export function im2col(data: Data, x: View, g: ConvGeometry, out: View): void {
  const src = data(x);
  const dst = data(out);
  const twoD = g.kernel.length === 2;
  const { N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geo2(x.shape, out.shape, g);
  const [sn, sc, sy, sx] = imageStrides(x, twoD);
  const pad = g.padValue;
  // out is fresh and contiguous: write it in order
  let q = out.offset;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const base = x.offset + n * sn + c * sc;
      for (let ki = 0; ki < kh; ki++) {
        const [yLo, yHi] = inRange(H, oh, sh, ph, ki * dh);
        for (let kj = 0; kj < kw; kj++) {
          const [xLo, xHi] = inRange(W, ow, sw, pw, kj * dw);
          const x0 = kj * dw - pw; // input column at ox = 0
          for (let oy = 0; oy < oh; oy++) {
            if (oy < yLo || oy >= yHi) {
              for (let ox = 0; ox < ow; ox++) dst[q++] = pad;
              continue;
            }
            const row = base + (oy * sh - ph + ki * dh) * sy;
            let ox = 0;
            for (; ox < xLo; ox++) dst[q++] = pad;
            let p = row + (xLo * sw + x0) * sx;
            const step = sw * sx;
            for (; ox < xHi; ox++, p += step) dst[q++] = src[p]!;
            for (; ox < ow; ox++) dst[q++] = pad;
          }
        }
      }
    }
}

/** The adjoint of im2col: adds every in-bounds entry of cols (any strides) into out (zeroed, any strides). */
export function col2im(data: Data, cols: View, g: ConvGeometry, out: View): void {
  const src = data(cols);
  const dst = data(out);
  const twoD = g.kernel.length === 2;
  const { N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geo2(out.shape, cols.shape, g);
  const [sn, sc, sy, sx] = imageStrides(out, twoD);
  const [cn, cc, cki, ckj, coy, cox] = colStrides(cols, twoD);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const base = out.offset + n * sn + c * sc;
      const cbase = cols.offset + n * cn + c * cc;
      for (let ki = 0; ki < kh; ki++) {
        const [yLo, yHi] = inRange(H, oh, sh, ph, ki * dh);
        for (let kj = 0; kj < kw; kj++) {
          const [xLo, xHi] = inRange(W, ow, sw, pw, kj * dw);
          const x0 = kj * dw - pw;
          const step = sw * sx;
          for (let oy = yLo; oy < yHi; oy++) {
            let q = base + (oy * sh - ph + ki * dh) * sy + (xLo * sw + x0) * sx;
            let p = cbase + ki * cki + kj * ckj + oy * coy + xLo * cox;
            for (let ox = xLo; ox < xHi; ox++, p += cox, q += step) dst[q]! += src[p]!;
          }
        }
      }
    }
}
