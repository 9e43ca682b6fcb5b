// Engine process for onnxruntime-node (from bench/peers): inference only, so of the suite's
// workloads just matmul, as a one-node ONNX model written by onnx-model.ts; variant = the number
// of intra-op threads ("1" or "2").
//   node --import tsx bench/suite/engines/ort.ts --spec '<Spec JSON>'
import { readSpec, report, reps, runGroups, time } from "../measure.js";
import { matmulSizes, type Spec } from "../workloads.js";
import { matmulModel } from "./onnx-model.js";
import { peerRequire } from "./tf-api.js";

interface OrtTensor {
  readonly data: Float32Array;
}
interface Session {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  env: { versions: Record<string, string> };
  Tensor: new (type: "float32", data: Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array, options: object): Promise<Session> };
}

function randn(size: number, seed: number): Float32Array {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 2 ** 32;
  return Float32Array.from(
    { length: size },
    () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()),
  );
}

async function matmul(ort: Ort, spec: Spec): Promise<void> {
  const threads = Number(spec.variant);
  for (const n of matmulSizes(spec.quick)) {
    const session = await ort.InferenceSession.create(matmulModel(n, n, n), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    const feeds = {
      A: new ort.Tensor("float32", randn(n * n, 1), [n, n]),
      B: new ort.Tensor("float32", randn(n * n, 2), [n, n]),
    };
    const ms = await time(async () => (await session.run(feeds)).C!.data[0], reps(spec));
    report({ workload: `matmul-${n}`, ms });
    await session.release();
  }
}

const spec = readSpec();
const ort = peerRequire("onnxruntime-node") as Ort;
await runGroups(spec, ort, { matmul });
