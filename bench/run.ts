// `npm run bench`: the benchmark suite — nabla (reference and wasm backends, the scalar engine)
// against TensorFlow.js, onnxruntime and PyTorch on the same workloads in one run, plus this CPU's
// measured SIMD peak; writes BENCHMARKS.md and bench/benchmarks.svg. `npm run bench -- --help`.
import { main } from "./suite/main.js";

await main(process.argv.slice(2));
