// float32 im2col/col2im over 2-D geometry (1-D convolutions arrive lifted to a unit height).
// cols are laid out [N, C, kh, kw, oh, ow]; the JS side writes the geometry and strides into the
// argument block (the word indices below) and guarantees im2col's output is contiguous.

// argument block words
const N = 0;
const C = 1;
const H = 2;
const W = 3;
const KH = 4;
const KW = 5;
const SH = 6;
const SW = 7;
const PH = 8;
const PW = 9;
const DH = 10;
const DW = 11;
const OH = 12;
const OW = 13;
// image strides n, c, y, x and offset; cols strides n, c, ki, kj, oy, ox and offset
const IMG = 14;
const COL = 19;

@inline function word(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

// set by inRange: the output positions [lo, hi) that read inside the input
let lo = 0;
let hi = 0;

/** For kernel offset `off`: the output positions o whose input index o·stride − pad + off is in [0, size). */
@inline function inRange(size: i32, out: i32, stride: i32, pad: i32, off: i32): void {
  const start = off - pad; // input index at o = 0
  const l = start >= 0 ? 0 : (-start + stride - 1) / stride;
  const h = size - start <= 0 ? 0 : (size - start + stride - 1) / stride;
  lo = min(l, out);
  hi = max(lo, min(h, out));
}

export function im2col(x: usize, out: usize, pad: f32, args: usize): void {
  const nN = word(args, N), nC = word(args, C), nH = word(args, H), nW = word(args, W);
  const kh = word(args, KH), kw = word(args, KW), sh = word(args, SH), sw = word(args, SW);
  const ph = word(args, PH), pw = word(args, PW), dh = word(args, DH), dw = word(args, DW);
  const oh = word(args, OH), ow = word(args, OW);
  const sn = word(args, IMG), sc = word(args, IMG + 1), sy = word(args, IMG + 2), sx = word(args, IMG + 3);
  const xoff = word(args, IMG + 4);
  const step = <usize>(sw * sx) << 2;
  let q = out;
  for (let n = 0; n < nN; n++)
    for (let c = 0; c < nC; c++) {
      const base = xoff + n * sn + c * sc;
      for (let ki = 0; ki < kh; ki++) {
        inRange(nH, oh, sh, ph, ki * dh);
        const yLo = lo, yHi = hi;
        for (let kj = 0; kj < kw; kj++) {
          inRange(nW, ow, sw, pw, kj * dw);
          const xLo = lo, xHi = hi;
          const x0 = kj * dw - pw; // input column at ox = 0
          for (let oy = 0; oy < oh; oy++) {
            if (oy < yLo || oy >= yHi) {
              for (let ox = 0; ox < ow; ox++, q += 4) store<f32>(q, pad);
              continue;
            }
            const row = base + (oy * sh - ph + ki * dh) * sy;
            let ox = 0;
            for (; ox < xLo; ox++, q += 4) store<f32>(q, pad);
            let p = x + (<usize>(row + (xLo * sw + x0) * sx) << 2);
            if (step == 4) {
              const len = <usize>(xHi - xLo) << 2;
              memory.copy(q, p, len);
              q += len;
              ox = xHi;
            } else for (; ox < xHi; ox++, p += step, q += 4) store<f32>(q, load<f32>(p));
            for (; ox < ow; ox++, q += 4) store<f32>(q, pad);
          }
        }
      }
    }
}

/** The adjoint of im2col: adds every in-bounds entry of cols (any strides) into out (any strides). */
export function col2im(cols: usize, out: usize, args: usize): void {
  const nN = word(args, N), nC = word(args, C), nH = word(args, H), nW = word(args, W);
  const kh = word(args, KH), kw = word(args, KW), sh = word(args, SH), sw = word(args, SW);
  const ph = word(args, PH), pw = word(args, PW), dh = word(args, DH), dw = word(args, DW);
  const oh = word(args, OH), ow = word(args, OW);
  const sn = word(args, IMG), sc = word(args, IMG + 1), sy = word(args, IMG + 2), sx = word(args, IMG + 3);
  const ooff = word(args, IMG + 4);
  const cn = word(args, COL), cc = word(args, COL + 1), cki = word(args, COL + 2), ckj = word(args, COL + 3);
  const coy = word(args, COL + 4), cox = word(args, COL + 5);
  const coff = word(args, COL + 6);
  const step = <usize>(sw * sx) << 2;
  const cstep = <usize>cox << 2;
  for (let n = 0; n < nN; n++)
    for (let c = 0; c < nC; c++) {
      const base = ooff + n * sn + c * sc;
      const cbase = coff + n * cn + c * cc;
      for (let ki = 0; ki < kh; ki++) {
        inRange(nH, oh, sh, ph, ki * dh);
        const yLo = lo, yHi = hi;
        for (let kj = 0; kj < kw; kj++) {
          inRange(nW, ow, sw, pw, kj * dw);
          const xLo = lo, xHi = hi;
          const x0 = kj * dw - pw;
          for (let oy = yLo; oy < yHi; oy++) {
            let q = out + (<usize>(base + (oy * sh - ph + ki * dh) * sy + (xLo * sw + x0) * sx) << 2);
            let p = cols + (<usize>(cbase + ki * cki + kj * ckj + oy * coy + xLo * cox) << 2);
            for (let ox = xLo; ox < xHi; ox++, p += cstep, q += step) store<f32>(q, load<f32>(q) + load<f32>(p));
          }
        }
      }
    }
}
