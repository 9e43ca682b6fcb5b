// float32 batched matmul out[b] = a[b] @ b[b] ([B,M,K] @ [B,K,N], any strides; out contiguous).
// GotoBLAS-style: B is packed into [KC × NR] column panels and A into [MR × KC] row panels (so
// transposed or strided operands cost one packing pass, never a materialised transpose), and a
// 4×8 register-blocked SIMD micro-kernel accumulates each output tile over a KC slice of K. Each
// A micro-panel sweeps the whole packed B block, so consecutive kernel calls write along rows of
// C (BLIS's column-strip order measured a few percent slower here).
// Relaxed SIMD builds use the fused multiply-add; plain SIMD builds multiply then add.
//
// Every output element sums its K products in the same order whatever rows a call covers, so
// splitting M across threads gives bitwise-identical results.

export const MR = 4;
export const NR = 8;
/** K slice: a micro-panel of A (MR·KC·4 = 4 KiB) stays in L1 while it sweeps a row of B panels. */
export const KC = 256;
/** Rows of A packed at a time (MC·KC·4 = 64 KiB). */
export const MC = 64;
/** Columns of B packed at a time: the KC·NC·4 = 1 MiB block that each A micro-panel sweeps. */
export const NC = 1024;

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * Packs rows [0, m) × k-slice [0, kc) of A (row stride rs, column stride cs, in elements) into
 * panels of MR rows, k-major: dst[(p·kc + k)·MR + r] = A[p·MR + r, k]; missing rows are zeros.
 */
function packA(src: usize, m: i32, kc: i32, rs: i32, cs: i32, dst: usize): void {
  for (let i0 = 0; i0 < m; i0 += MR, dst += <usize>(kc * MR) << 2) {
    const rows = min(MR, m - i0);
    const s = src + (<usize>(i0 * rs) << 2);
    if (rows == MR && cs == 1) {
      // row-major A: transpose 4×4 blocks in registers
      const r1 = <usize>rs << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const p = s + (<usize>k << 2);
        const x0 = v128.load(p);
        const x1 = v128.load(p + r1);
        const x2 = v128.load(p + 2 * r1);
        const x3 = v128.load(p + 3 * r1);
        const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
        const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        const d = dst + (<usize>k << 4);
        v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
        v128.store(d, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
        v128.store(d, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
        v128.store(d, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
      }
      for (; k < kc; k++) {
        const p = s + (<usize>k << 2);
        const d = dst + (<usize>k << 4);
        store<f32>(d, load<f32>(p));
        store<f32>(d, load<f32>(p + r1), 4);
        store<f32>(d, load<f32>(p + 2 * r1), 8);
        store<f32>(d, load<f32>(p + 3 * r1), 12);
      }
    } else if (rows == MR && rs == 1) {
      // column-major A (a transposed operand): each k already holds MR consecutive rows
      for (let k = 0; k < kc; k++) v128.store(dst + (<usize>k << 4), v128.load(s + (<usize>(k * cs) << 2)));
    } else {
      for (let k = 0; k < kc; k++) {
        const d = dst + (<usize>k << 4);
        for (let r = 0; r < MR; r++)
          store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(s + (<usize>(r * rs + k * cs) << 2)) : 0);
      }
    }
  }
}

/**
 * Packs the k-slice [0, kc) × columns [0, n) of B (row stride rs, column stride cs) into panels
 * of NR columns, k-major: dst[(p·kc + k)·NR + c] = B[k, p·NR + c]; missing columns are zeros.
 */
function packB(src: usize, kc: i32, n: i32, rs: i32, cs: i32, dst: usize): void {
  for (let j0 = 0; j0 < n; j0 += NR, dst += <usize>(kc * NR) << 2) {
    const cols = min(NR, n - j0);
    const s = src + (<usize>(j0 * cs) << 2);
    if (cols == NR && cs == 1) {
      const r1 = <usize>rs << 2;
      let p = s;
      for (let k = 0; k < kc; k++, p += r1) {
        const d = dst + (<usize>k << 5);
        v128.store(d, v128.load(p));
        v128.store(d, v128.load(p, 16), 16);
      }
    } else if (cols == NR && rs == 1) {
      // B = Wᵀ with W row-major (a linear layer): transpose 4×4 blocks of two column quads
      const c1 = <usize>cs << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        for (let h = 0; h < 2; h++) {
          const p = s + (<usize>k << 2) + <usize>(4 * h) * c1;
          const x0 = v128.load(p);
          const x1 = v128.load(p + c1);
          const x2 = v128.load(p + 2 * c1);
          const x3 = v128.load(p + 3 * c1);
          const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
          const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
          const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
          const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
          const d = dst + (<usize>k << 5) + (<usize>h << 4);
          v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
          v128.store(d, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 32);
          v128.store(d, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 64);
          v128.store(d, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 96);
        }
      }
      for (; k < kc; k++) {
        const d = dst + (<usize>k << 5);
        for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), load<f32>(s + (<usize>(k + c * cs) << 2)));
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const d = dst + (<usize>k << 5);
        for (let c = 0; c < NR; c++)
          store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(s + (<usize>(k * rs + c * cs) << 2)) : 0);
      }
    }
  }
}

/**
 * The 4×8 micro-kernel: C[0:4, 0:8] (+)= Ap[4 × kc] · Bp[kc × 8] from packed panels, 8 SIMD
 * accumulators in registers. A ragged tile (rows < 4 or cols < 8) goes through `tile` scratch.
 */
function kernel4x8(
  ap: usize,
  bp: usize,
  kc: i32,
  c: usize,
  ldc: usize,
  accumulate: bool,
  rows: i32,
  cols: i32,
  tile: usize,
  bias: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  for (let k = 0; k < kc; k++, ap += 16, bp += 32) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
  }
  const full = rows == MR && cols == NR;
  if (full && bias && !accumulate) {
    // the first K slice of a full tile starts from the bias (a ragged tile adds it below)
    const v0 = v128.load(bias);
    const v1 = v128.load(bias, 16);
    c00 = f32x4.add(c00, v0);
    c01 = f32x4.add(c01, v1);
    c10 = f32x4.add(c10, v0);
    c11 = f32x4.add(c11, v1);
    c20 = f32x4.add(c20, v0);
    c21 = f32x4.add(c21, v1);
    c30 = f32x4.add(c30, v0);
    c31 = f32x4.add(c31, v1);
  }
  const q = full ? c : tile;
  const ld = full ? ldc : 32;
  if (full && accumulate) {
    c00 = f32x4.add(c00, v128.load(q));
    c01 = f32x4.add(c01, v128.load(q, 16));
    c10 = f32x4.add(c10, v128.load(q + ld));
    c11 = f32x4.add(c11, v128.load(q + ld, 16));
    c20 = f32x4.add(c20, v128.load(q + 2 * ld));
    c21 = f32x4.add(c21, v128.load(q + 2 * ld, 16));
    c30 = f32x4.add(c30, v128.load(q + 3 * ld));
    c31 = f32x4.add(c31, v128.load(q + 3 * ld, 16));
  }
  v128.store(q, c00);
  v128.store(q, c01, 16);
  v128.store(q + ld, c10);
  v128.store(q + ld, c11, 16);
  v128.store(q + 2 * ld, c20);
  v128.store(q + 2 * ld, c21, 16);
  v128.store(q + 3 * ld, c30);
  v128.store(q + 3 * ld, c31, 16);
  if (full) return;
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < cols; j++) {
      const d = c + <usize>r * ldc + (<usize>j << 2);
      const v = load<f32>(tile + (<usize>r << 5) + (<usize>j << 2));
      store<f32>(d, accumulate ? load<f32>(d) + v : bias ? v + load<f32>(bias + (<usize>j << 2)) : v);
    }
}

/**
 * out[b1, b] = a[b1, b] @ b[b1, b] (+ bias, n contiguous floats, unless 0) for b1 < nb1, b < nb
 * (the first batch dim's strides are ab1, bb1 and ob1). a and b point at the views' first elements; strides are in
 * elements; out's rows are contiguous, n long and ldo apart (N, or more when this call computes a
 * slice of N's columns for one thread), and its batches os0 apart (M·N). Scratch: packA holds MC·KC floats, packB KC·NC
 * (rounded up to whole panels), tile MR·NR floats.
 */
export function matmulF32(
  nb1: i32,
  ab1: i32,
  bb1: i32,
  ob1: i32,
  a: usize,
  as0: i32,
  as1: i32,
  as2: i32,
  b: usize,
  bs0: i32,
  bs1: i32,
  bs2: i32,
  out: usize,
  os0: i32,
  ldo: i32,
  bias: usize,
  nb: i32,
  m: i32,
  k: i32,
  n: i32,
  pa: usize,
  pb: usize,
  tile: usize,
): void {
  const ldc = <usize>ldo << 2;
  if (k == 0) {
    // empty sums: zeros, or the bias
    for (let t = 0; t < nb1 * nb; t++)
      for (let r = 0; r < m; r++) {
        const row = out + (<usize>((t / nb) * ob1 + (t % nb) * os0) << 2) + <usize>r * ldc;
        if (bias) memory.copy(row, bias, <usize>n << 2);
        else memory.fill(row, 0, <usize>n << 2);
      }
    return;
  }
  // the two batch dims walked as one index t = b1·nb + b
  for (let t = 0; t < nb1 * nb; t++) {
    const b1 = t / nb;
    const bi = t % nb;
    const aB = a + (<usize>(b1 * ab1 + bi * as0) << 2);
    const bB = b + (<usize>(b1 * bb1 + bi * bs0) << 2);
    const cB = out + (<usize>(b1 * ob1 + bi * os0) << 2);
    for (let jc = 0; jc < n; jc += NC) {
      const nc = min(NC, n - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = min(KC, k - pc);
        packB(bB + (<usize>(pc * bs1 + jc * bs2) << 2), kc, nc, bs1, bs2, pb);
        for (let ic = 0; ic < m; ic += MC) {
          const mc = min(MC, m - ic);
          packA(aB + (<usize>(ic * as1 + pc * as2) << 2), mc, kc, as1, as2, pa);
          for (let ir = 0; ir < mc; ir += MR) {
            const ap = pa + (<usize>(ir * kc) << 2);
            const rows = min(MR, mc - ir);
            const c0 = cB + <usize>(ic + ir) * ldc + (<usize>jc << 2);
            for (let jr = 0; jr < nc; jr += NR) {
              const bj = bias ? bias + (<usize>(jc + jr) << 2) : 0;
              kernel4x8(ap, pb + (<usize>(jr * kc) << 2), kc, c0 + (<usize>jr << 2), ldc, pc > 0, rows, min(NR, nc - jr), tile, bj);
            }
          }
        }
      }
    }
  }
}
