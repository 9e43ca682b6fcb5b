// The nabla kernels module: every function the JS side (src/backend/wasm/kernels.ts) calls.
// Memory is imported (and may be shared); the module allocates nothing itself.
export { copy, fill32, fill64, fill8, where } from "./copy";
export { binaryF32, unaryF32 } from "./elementwise";
export { reduceInner, reduceOuter, scanF32 } from "./reduce";
export { matmulF32 } from "./matmul";
export { badIndex, gather, scatterAdd } from "./index-ops";
export { col2im, im2col } from "./conv";
export { adamF32, layerNormBackwardF32, layerNormF32, softmaxBackwardF32, softmaxF32 } from "./fused";

/** The first byte the JS allocator may hand out: everything below holds the module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Zero-fills `bytes` bytes at `ptr` (bulk memory: a memset, where JS's fill on shared memory is slow). */
export function zero(ptr: usize, bytes: usize): void {
  memory.fill(ptr, 0, bytes);
}

/** Copies `bytes` bytes from `src` to `dst` (the regions may overlap). */
export function move(dst: usize, src: usize, bytes: usize): void {
  memory.copy(dst, src, bytes);
}
