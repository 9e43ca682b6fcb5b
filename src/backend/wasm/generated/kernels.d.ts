// Declarations of the module that scripts/build-wasm.mjs generates next to this file (kernels.ts,
// not checked in), so the TypeScript sources typecheck before the WebAssembly is built.
export declare const SIMD: string;
export declare const SIMD_SHARED: string;
export declare const RELAXED: string;
export declare const RELAXED_SHARED: string;
