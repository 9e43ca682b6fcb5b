// The bytes of the peak microbenchmark, a WebAssembly module written here by hand (no toolchain):
// `run<N>(iters) -> f32` keeps N independent f32x4 accumulators in registers and updates each one
// `UNROLL` times per loop iteration as acc = acc·m + a (f32x4.mul then f32x4.add, or one
// f32x4.relaxed_madd), 8 flops per update. m = 0.5 and a = 0.25 keep every value near 0.5, far
// from denormals. Exported for N in CHAINS, so the runner keeps whichever fills the pipes best.

export const CHAINS = [6, 8, 10, 12, 14] as const;
export const UNROLL = 8;
/** flops of one loop iteration of run<N> */
export const flopsPerIter = (chains: number): number => chains * UNROLL * 8;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const f32 = (x: number): number[] => [0x43, ...new Uint8Array(Float32Array.of(x).buffer)];

const SIMD = 0xfd;
const op = {
  splat: [SIMD, ...leb(0x13)],
  extractLane0: [SIMD, ...leb(0x1f), 0],
  add: [SIMD, ...leb(0xe4)],
  mul: [SIMD, ...leb(0xe6)],
  madd: [SIMD, ...leb(0x105)], // f32x4.relaxed_madd(a, b, c) = a·b + c
  get: (i: number) => [0x20, ...leb(i)],
  set: (i: number) => [0x21, ...leb(i)],
  tee: (i: number) => [0x22, ...leb(i)],
};

/** The body of run<chains>: local 0 is the iteration count, then chains + 2 v128 locals. */
function body(chains: number, fma: boolean): number[] {
  const m = chains + 1;
  const a = chains + 2;
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  for (let i = 1; i <= chains; i++) emit(f32(0.3 + i / 64), op.splat, op.set(i));
  emit(f32(0.5), op.splat, op.set(m), f32(0.25), op.splat, op.set(a));
  emit([0x02, 0x40, 0x03, 0x40]); // block, loop
  for (let u = 0; u < UNROLL; u++)
    for (let i = 1; i <= chains; i++)
      if (fma) emit(op.get(i), op.get(m), op.get(a), op.madd, op.set(i));
      else emit(op.get(i), op.get(m), op.mul, op.get(a), op.add, op.set(i));
  // iters -= 1; continue while nonzero
  emit(op.get(0), [0x41, 1, 0x6b], op.tee(0), [0x0d, 0, 0x0b, 0x0b]); // i32.const 1, i32.sub, br_if 0, end, end
  emit(f32(0));
  for (let i = 1; i <= chains; i++) emit(op.get(i), op.extractLane0, [0x92]); // f32.add
  emit([0x0b]);
  const locals = vec([[...leb(chains + 2), 0x7b]]); // (chains + 2) × v128
  return [...leb(locals.length + code.length), ...locals, ...code];
}

/** A module exporting run<N> for every N in CHAINS; `fma` uses relaxed SIMD's fused multiply-add. */
export function peakModule(fma: boolean): Uint8Array<ArrayBuffer> {
  const type = section(1, vec([[0x60, 1, 0x7f, 1, 0x7d]])); // (i32) -> f32
  const funcs = section(3, vec(CHAINS.map(() => [0])));
  const exports = section(7, vec(CHAINS.map((c, i) => [...name(`run${c}`), 0x00, i])));
  const code = section(10, vec(CHAINS.map((c) => body(c, fma))));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...funcs, ...exports, ...code]);
}
