// Engine process for TensorFlow.js (from bench/peers): the suite's workloads on its "cpu" (pure JS)
// or "wasm" (XNNPACK, one thread in Node) backend, each written as TF.js code would be.
//   node --import tsx bench/suite/engines/tfjs.ts --spec '<Spec JSON>'   (variant: cpu | wasm)
import { readSpec, report, reps, runGroups, time } from "../measure.js";
import { CONV_LAYERS, GPT, MLP, matmulSizes, type Spec } from "../workloads.js";
import { loadTf, type Tf, type TfTensor } from "./tf-api.js";
import { TfAdamW, TfGPT } from "./tfjs-gpt.js";

async function matmul(tf: Tf, spec: Spec): Promise<void> {
  for (const n of matmulSizes(spec.quick)) {
    const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
    const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
    const ms = await time(() => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    }, reps(spec));
    report({ workload: `matmul-${n}`, ms });
    tf.dispose([a, b]);
  }
}

/** TF.js's native layout is NHWC (filters [kh, kw, in, out]): the same convolution, its own way. */
async function conv(tf: Tf, spec: Spec): Promise<void> {
  for (const c of CONV_LAYERS) {
    const x = tf.randomNormal([c.batch, c.size, c.size, c.cin], 0, 1, "float32", 1);
    const w = tf.randomNormal([3, 3, c.cin, c.cout], 0, 0.1, "float32", 2);
    const b = tf.zeros([c.cout]);
    const dy = tf.randomNormal([c.batch, c.size, c.size, c.cout], 0, 1, "float32", 3);
    const loss = (w_: TfTensor, b_: TfTensor, x_: TfTensor = x) =>
      tf.sum(tf.mul(tf.add(tf.conv2d(x_, w_, 1, "same"), b_), dy));
    const grads = c.inputGrad ? tf.grads((w_, b_, x_) => loss(w_!, b_!, x_)) : tf.grads(loss);
    const args = c.inputGrad ? [w, b, x] : [w, b];
    const ms = await time(() => {
      const gs = grads(args);
      gs[0]!.dataSync();
      tf.dispose(gs);
    }, reps(spec));
    report({ workload: c.id, ms });
  }
}

async function mlp(tf: Tf, spec: Spec): Promise<void> {
  const sizes = MLP.sizes;
  // PyTorch's default Linear init, U(−1/√in, 1/√in), as nabla's
  const layers = sizes.slice(1).map((out, i) => {
    const bound = 1 / Math.sqrt(sizes[i]!);
    return {
      w: tf.variable(tf.randomUniform([sizes[i]!, out], -bound, bound, "float32", i)),
      b: tf.variable(tf.randomUniform([out], -bound, bound, "float32", 10 + i)),
    };
  });
  const vars = layers.flatMap((l) => [l.w, l.b]);
  const x = tf.randomUniform([MLP.batch, sizes[0]!], 0, 1, "float32", 20);
  const labels = tf.randomUniform([MLP.batch], 0, sizes.at(-1)!, "int32", 21);
  const onehot = tf.oneHot(labels, sizes.at(-1)!);
  const opt = tf.train.adam(MLP.lr);
  const lossFn = () => {
    let h = x;
    layers.forEach((l, i) => {
      h = tf.add(tf.matMul(h, l.w), l.b);
      if (i < layers.length - 1) h = tf.relu(h);
    });
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(h, -1)), -1)));
  };
  const ms = await time(() => {
    const cost = opt.minimize(lossFn, true, vars)!;
    cost.dataSync();
    cost.dispose();
  }, reps(spec));
  report({ workload: "mlp", ms });
}

/** A small seeded generator for the batch and for sampling (TF.js's own sampling allocates tensors). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function gpt(tf: Tf, spec: Spec): Promise<void> {
  const { batch: B, blockSize: T } = GPT;
  const cfg = { vocab: spec.vocab, blockSize: T, nLayer: GPT.nLayer, nHead: GPT.nHead, nEmbd: GPT.nEmbd };
  const rnd = lcg(3);
  const ids = () =>
    tf.tensor(
      Int32Array.from({ length: B * T }, () => Math.floor(rnd() * spec.vocab)),
      [B, T],
      "int32",
    );
  const [x, y] = [ids(), ids()];
  const setup = (embedding: "gather" | "onehot") => {
    const model = new TfGPT(tf, cfg, embedding);
    const opt = new TfAdamW(tf, model.params, GPT);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => model.loss(x, y), model.params);
      opt.step(grads);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    };
    step(); // throws here if the backend lacks a kernel
    return { model, step };
  };
  let note: string | undefined;
  let run: ReturnType<typeof setup>;
  try {
    run = setup("gather");
  } catch (e) {
    note = `token embedding as onehot @ wte (${(e as Error).message.split("\n")[0]})`;
    run = setup("onehot");
  }
  const { model, step } = run;
  report({ workload: "gpt-train", ms: await time(step, reps(spec)), ...(note ? { note } : {}) });

  const sample = () => {
    const cache = model.newCache();
    let token = 0;
    for (let s = 0; s < GPT.sampleTokens; s++) {
      const old = cache.flatMap((c) => (c.k && c.v ? [c.k, c.v] : []));
      const probs = tf.tidy(() => {
        const logits = model.forward(tf.tensor([token], [1, 1], "int32"), cache, s); // (1, V)
        return tf.softmax(logits, -1).dataSync();
      });
      tf.dispose(old);
      let r = rnd();
      token = 0;
      while (token < probs.length - 1 && (r -= probs[token]!) > 0) token++;
    }
    tf.dispose(cache.flatMap((c) => [c.k!, c.v!]));
  };
  report({ workload: "gpt-sample", ms: await time(sample, reps(spec)) });
}

const spec = readSpec();
const tf = await loadTf(spec.variant as "cpu" | "wasm");
await runGroups(spec, tf, { matmul, conv, mlp, gpt });
