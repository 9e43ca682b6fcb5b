// Reference im2col/col2im for 1-D and 2-D convolution and pooling. Layout of cols:
// [N, C, ...kernel, ...outSpatial], so conv is a matmul over (C·kernel) and pooling a reduce over kernel.
import type { ConvGeometry, View } from "../interface.js";
import type { TypedArray } from "../../util/dtype.js";

type Data = (v: View) => TypedArray;

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

/** Lifts 1-D geometry to 2-D with a unit leading spatial dim, so one loop nest serves both. */
function geo2(x: readonly number[], g: ConvGeometry): Geo2 {
  const two = g.kernel.length === 2;
  const pick = (a: readonly number[], unit: number): [number, number] =>
    two ? [a[0]!, a[1]!] : [unit, a[0]!];
  const [H, W] = two ? [x[2]!, x[3]!] : [1, x[2]!];
  const [kh, kw] = pick(g.kernel, 1);
  const [sh, sw] = pick(g.stride, 1);
  const [ph, pw] = pick(g.padding, 0);
  const [dh, dw] = pick(g.dilation, 1);
  const oh = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  return { N: x[0]!, C: x[1]!, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
}

function strides4(v: View, twoD: boolean): [number, number, number, number] {
  const s = v.strides;
  return twoD ? [s[0]!, s[1]!, s[2]!, s[3]!] : [s[0]!, s[1]!, 0, s[2]!];
}

export function im2col(data: Data, x: View, g: ConvGeometry, out: View): void {
  const a = data(x);
  const d = data(out);
  const G = geo2(x.shape, g);
  const [sn, sc, sy, sx] = strides4(x, g.kernel.length === 2);
  let q = out.offset;
  for (let n = 0; n < G.N; n++)
    for (let c = 0; c < G.C; c++) {
      const base = x.offset + n * sn + c * sc;
      for (let ki = 0; ki < G.kh; ki++)
        for (let kj = 0; kj < G.kw; kj++)
          for (let oy = 0; oy < G.oh; oy++) {
            const iy = oy * G.sh - G.ph + ki * G.dh;
            const rowOk = iy >= 0 && iy < G.H;
            for (let ox = 0; ox < G.ow; ox++) {
              const ix = ox * G.sw - G.pw + kj * G.dw;
              d[q++] = rowOk && ix >= 0 && ix < G.W ? a[base + iy * sy + ix * sx]! : g.padValue;
            }
          }
    }
}

export function col2im(data: Data, cols: View, g: ConvGeometry, out: View): void {
  const a = data(cols);
  const d = data(out);
  const G = geo2(out.shape, g);
  const [sn, sc, sy, sx] = strides4(out, g.kernel.length === 2);
  // cols may be strided: walk it through its own strides in the same nest order
  const cs = cols.strides;
  const twoD = g.kernel.length === 2;
  const [cn, cc] = [cs[0]!, cs[1]!];
  const [cki, ckj, coy, cox] = twoD ? [cs[2]!, cs[3]!, cs[4]!, cs[5]!] : [0, cs[2]!, 0, cs[3]!];
  for (let n = 0; n < G.N; n++)
    for (let c = 0; c < G.C; c++) {
      const base = out.offset + n * sn + c * sc;
      const cbase = cols.offset + n * cn + c * cc;
      for (let ki = 0; ki < G.kh; ki++)
        for (let kj = 0; kj < G.kw; kj++)
          for (let oy = 0; oy < G.oh; oy++) {
            const iy = oy * G.sh - G.ph + ki * G.dh;
            if (iy < 0 || iy >= G.H) continue;
            for (let ox = 0; ox < G.ow; ox++) {
              const ix = ox * G.sw - G.pw + kj * G.dw;
              if (ix < 0 || ix >= G.W) continue;
              d[base + iy * sy + ix * sx]! += a[cbase + ki * cki + kj * ckj + oy * coy + ox * cox]!;
            }
          }
    }
}
