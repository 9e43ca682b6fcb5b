// The named expressions of scripts/fixtures/micrograd.py, written again with Values. Each one is
// compared by name with PyTorch's float64 output and gradients in test/fixtures/micrograd.json.
// Keep the two lists in step: same names, same inputs, the same expression term by term.

import type { Value } from "../../src/micrograd/index.js";

type Leaves = Record<string, Value>;

export const EXPRESSIONS: Record<string, (v: Leaves) => Value> = {
  // micrograd's test_sanity_check
  sanity: ({ x }) => {
    const z = x!.mul(2).add(2).add(x!);
    const q = z.relu().add(z.mul(x!));
    const h = z.mul(z).relu();
    return h.add(q).add(q.mul(x!));
  },

  // micrograd's test_more_ops; `1 + c` is written c.add(1) (same value, same gradients)
  more_ops: ({ a, b }) => {
    let c = a!.add(b!);
    let d = a!.mul(b!).add(b!.pow(3));
    c = c.add(c.add(1));
    c = c.add(c.add(1).add(a!.neg()));
    d = d.add(d.mul(2).add(b!.add(a!).relu()));
    d = d.add(d.mul(3).add(b!.sub(a!).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2.0);
    g = g.add(f.pow(-1).mul(10.0)); // 10.0 / f, as micrograd's __rtruediv__
    return g;
  },

  lecture_neuron: ({ x1, x2, w1, w2, b }) => x1!.mul(w1!).add(x2!.mul(w2!)).add(b!).tanh(),

  exp_log: ({ a, b }) => a!.exp().add(b!.mul(b!).add(1).log()).div(a!.sub(b!)),

  sigmoid_div: ({ x, y }) => {
    const s = x!.mul(y!).sigmoid();
    return s.div(y!.pow(2).add(1)).sub(x!.div(y!).sigmoid());
  },

  softplus_chain: ({ x }) => {
    const sp = x!.exp().add(1).log();
    return sp.mul(sp.sigmoid()).add(x!.neg().exp().log().div(3));
  },

  shared_subexpressions: ({ a, b, c }) => {
    const t = a!.mul(b!).add(c!);
    const u = t.tanh();
    return u
      .mul(t)
      .add(u.div(t.mul(t).add(1)))
      .add(u.sub(a!).exp().mul(c!.sigmoid()))
      .sub(t.pow(3).div(10));
  },

  powers: ({ x, y }) => x!.pow(0.5).mul(y!.pow(-2)).add(x!.mul(y!).pow(3)).sub(x!.pow(-1)).add(y!.pow(1.5)),
};
