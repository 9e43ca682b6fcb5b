// nabla's public API: `import * as nb from "nabla"`. Tensors, their ops, autograd and backends.
export { Tensor, type NestedArray } from "./tensor/tensor.js";
export * from "./tensor/creation.js";
export * from "./tensor/views.js";
export * from "./tensor/elementwise.js";
export * from "./tensor/reduce.js";
export * from "./tensor/linalg.js";
export * from "./tensor/autograd.js";
export { type DType, DTYPES } from "./util/dtype.js";
export { Generator, manualSeed, defaultGenerator } from "./util/rng.js";
export { NablaError, ShapeError, UnsupportedError, NonFiniteError } from "./util/errors.js";
export { getBackend, setBackend, listBackends, registerBackend } from "./backend/registry.js";
export type { Backend, View, Buf, KernelName } from "./backend/interface.js";
