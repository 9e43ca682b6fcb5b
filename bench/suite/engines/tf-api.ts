// The slice of TensorFlow.js (@tensorflow/tfjs) that the suite's TF.js engine uses, typed here because
// the package lives in bench/peers (installed on demand, so nabla's typecheck never needs it),
// and the loader that finds it there and selects a backend ("cpu": pure JS, "wasm": XNNPACK).
import { createRequire } from "node:module";
import { dirname } from "node:path";

export interface TfTensor {
  readonly shape: number[];
  readonly dtype: string;
  dataSync(): ArrayLike<number>;
  dispose(): void;
}
export interface TfVariable extends TfTensor {
  readonly name: string;
  assign(value: TfTensor): void;
}
type T = TfTensor;
type TL = TfTensor | number;

export interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  memory(): { numTensors: number };
  version: Record<string, string>;
  tensor(values: ArrayLike<number>, shape: number[], dtype?: "float32" | "int32"): T;
  scalar(value: number): T;
  zeros(shape: number[]): T;
  ones(shape: number[]): T;
  randomNormal(shape: number[], mean?: number, std?: number, dtype?: "float32", seed?: number): T;
  randomUniform(shape: number[], min?: number, max?: number, dtype?: "float32" | "int32", seed?: number): T;
  variable(initial: T, trainable?: boolean, name?: string): TfVariable;
  matMul(a: T, b: T, transposeA?: boolean, transposeB?: boolean): T;
  add(a: TL, b: TL): T;
  sub(a: TL, b: TL): T;
  mul(a: TL, b: TL): T;
  div(a: TL, b: TL): T;
  minimum(a: TL, b: TL): T;
  sqrt(x: T): T;
  square(x: T): T;
  tanh(x: T): T;
  relu(x: T): T;
  neg(x: T): T;
  sum(x: T, axis?: number | number[], keepDims?: boolean): T;
  mean(x: T, axis?: number | number[], keepDims?: boolean): T;
  softmax(x: T, dim?: number): T;
  logSoftmax(x: T, axis?: number): T;
  oneHot(indices: T, depth: number): T;
  gather(x: T, indices: T | number[], axis?: number): T;
  reshape(x: T, shape: number[]): T;
  transpose(x: T, perm?: number[]): T;
  split(x: T, numOrSizes: number, axis?: number): T[];
  concat(xs: T[], axis?: number): T;
  slice(x: T, begin: number[], size: number[]): T;
  conv2d(x: T, filter: T, strides: number, pad: "same" | "valid"): T;
  tidy<R>(fn: () => R): R;
  keep<R extends T>(t: R): R;
  dispose(x: T | T[]): void;
  grads(f: (...args: T[]) => T): (args: T[], dy?: T) => T[];
  variableGrads(f: () => T, varList?: TfVariable[]): { value: T; grads: Record<string, T> };
  train: {
    adam(lr: number): { minimize(f: () => T, returnCost: boolean, varList?: TfVariable[]): T | null };
  };
}

/** require() rooted at bench/peers, where `npm ci` put the peers. */
export const peerRequire = createRequire(new URL("../../peers/package.json", import.meta.url));

/** TF.js (its gradients and cpu backend) with the wasm backend registered, `backend` selected and ready. */
export async function loadTf(backend: "cpu" | "wasm"): Promise<Tf> {
  const tf = peerRequire("@tensorflow/tfjs") as Tf;
  const wasm = peerRequire("@tensorflow/tfjs-backend-wasm") as { setWasmPaths(prefix: string): void };
  // In Node the wasm backend reads its .wasm files from disk: they ship in the package's dist/.
  wasm.setWasmPaths(dirname(peerRequire.resolve("@tensorflow/tfjs-backend-wasm/package.json")) + "/dist/");
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not initialise its ${backend} backend`);
  await tf.ready();
  return tf;
}
