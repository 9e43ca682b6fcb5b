// Replays the module fixtures of scripts/fixtures/nn.py: builds the nabla module, loads PyTorch's
// state_dict into it with loadStateDict (so PyTorch's keys must load as they are), runs each step
// (train or eval) and compares outputs, input and parameter gradients, and the state afterwards.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as nb from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import { assertClose, decode, TOL, type TensorDesc, type Tolerance } from "../helpers/fixtures.js";

type Json = number | string | boolean | null | Json[] | { [k: string]: Json };

export interface ModuleStep {
  train: boolean;
  inputs: TensorDesc[];
  nInputs: number;
  opts: Record<string, Json> | null;
  jsArgs: Json[] | null;
  outputs: TensorDesc[];
  gradOutputs: ((number | string)[] | null)[];
  grads: ((number | string)[] | null)[];
  paramGrads: Record<string, (number | string)[]>;
}
export interface ModuleCase {
  name: string;
  ctor: string;
  args: Json[];
  opts: Record<string, Json> | null;
  dtype: nb.DType;
  state: Record<string, TensorDesc>;
  steps: ModuleStep[];
  stateAfter: Record<string, TensorDesc>;
}
export interface NnFixtures {
  cases: ModuleCase[];
  gains: { args: [string, number?]; gain: number }[];
}

export const loadNnFixtures = (): NnFixtures =>
  JSON.parse(readFileSync(new URL("../fixtures/nn.json", import.meta.url), "utf8")) as NnFixtures;

export const tensorOf = (d: TensorDesc): nb.Tensor =>
  nb.fromArray(d.data.map(decode), d.shape, { dtype: d.dtype });

type Ctor = new (...a: unknown[]) => nn.Module;

/** The nabla module a case describes: new nn[ctor](...args, opts), in the case's dtype. */
export function buildModule(c: ModuleCase): nn.Module {
  const opts = { ...(c.opts ?? {}), dtype: c.dtype };
  if (c.ctor === "TransformerEncoder") {
    const [d, h, n] = c.args as number[];
    return new nn.TransformerEncoder(() => new nn.TransformerEncoderLayer(d!, h!, opts), n!, {
      norm: new nn.LayerNorm(d!, { dtype: c.dtype }),
    });
  }
  const cls = (nn as unknown as Record<string, Ctor>)[c.ctor];
  assert.ok(cls, `no nn.${c.ctor}`);
  const m = c.opts === null ? new cls(...c.args) : new cls(...c.args, opts);
  return m.to(c.dtype);
}

const compare = (t: nb.Tensor, d: TensorDesc, tol: Tolerance, what: string) => {
  assert.deepEqual(t.shape, d.shape, `${what}: shape`);
  assertClose(t.dataSync(), d.data.map(decode), tol, what);
};

export function runModuleCase(c: ModuleCase, tol: Partial<Record<nb.DType, Tolerance>> = {}): void {
  const m = buildModule(c);
  const state = Object.fromEntries(Object.entries(c.state).map(([k, d]) => [k, tensorOf(d)]));
  m.loadStateDict(state); // strict: every PyTorch key must exist in nabla, and the reverse
  const t = tol[c.dtype] ?? TOL[c.dtype];
  c.steps.forEach((s, si) => {
    const at = `${c.name} step ${si}`;
    m.train(s.train);
    m.zeroGrad();
    const tensors = s.inputs.map((d) => {
      const x = tensorOf(d);
      return d.requiresGrad ? x.requiresGrad_(true) : x;
    });
    const resolve = (v: Json): unknown =>
      v !== null && typeof v === "object" && !Array.isArray(v) && "t" in v ? tensors[v.t as number] : v;
    const args: unknown[] = tensors.slice(0, s.nInputs);
    if (s.jsArgs) args.push(...s.jsArgs);
    if (s.opts) args.push(Object.fromEntries(Object.entries(s.opts).map(([k, v]) => [k, resolve(v)])));
    const result = m.forward(...args) as nb.Tensor | (nb.Tensor | null)[];
    const outs = (Array.isArray(result) ? result : [result]).filter((o): o is nb.Tensor => o !== null);
    assert.equal(outs.length, s.outputs.length, `${at}: number of outputs`);
    outs.forEach((o, i) => compare(o, s.outputs[i]!, t, `${at} output ${i}`));
    let loss: nb.Tensor | null = null;
    outs.forEach((o, i) => {
      const go = s.gradOutputs[i];
      if (!go) return;
      const term = o.mul(nb.fromArray(go.map(decode), o.shape, { dtype: o.dtype })).sum();
      loss = loss ? loss.add(term) : term;
    });
    if (!loss) return;
    (loss as nb.Tensor).backward();
    s.grads.forEach((g, i) => {
      if (!g) return;
      assert.ok(tensors[i]!.grad, `${at}: input ${i} got no gradient`);
      assertClose(tensors[i]!.grad.dataSync(), g.map(decode), t, `${at} grad of input ${i}`);
    });
    const params = new Map(m.namedParameters());
    assert.deepEqual(
      [...params]
        .filter(([, p]) => p.grad)
        .map(([k]) => k)
        .sort(),
      Object.keys(s.paramGrads).sort(),
      `${at}: which parameters got gradients`,
    );
    for (const [k, g] of Object.entries(s.paramGrads))
      assertClose(params.get(k)!.grad!.dataSync(), g.map(decode), t, `${at} grad of ${k}`);
  });
  const after = m.stateDict();
  assert.deepEqual(Object.keys(after).sort(), Object.keys(c.stateAfter).sort(), `${c.name}: state keys`);
  for (const [k, d] of Object.entries(c.stateAfter)) compare(after[k]!, d, t, `${c.name} state ${k} after`);
}
