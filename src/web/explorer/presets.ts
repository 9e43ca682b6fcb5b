// The explorer's ready-made expressions: the single tanh neuron of Karpathy's lecture, the
// lecture's first expression, a variable used twice, tanh spelled with exp, and a 2-2-1 MLP.

export interface Preset {
  id: string;
  name: string;
  expression: string;
  values: Record<string, number>;
}

export const PRESETS: readonly Preset[] = [
  {
    id: "neuron",
    name: "A tanh neuron (the lecture's)",
    expression: "tanh(x1*w1 + x2*w2 + b)",
    values: { x1: 2, w1: -3, x2: 0, w2: 1, b: 6.881373587019543 },
  },
  {
    id: "lecture",
    name: "L = (a*b + c) * f",
    expression: "(a*b + c) * f",
    values: { a: 2, b: -3, c: 10, f: -2 },
  },
  {
    id: "shared",
    name: "A variable used twice: grads add up",
    expression: "x*x + exp(x)",
    values: { x: 0.5 },
  },
  {
    id: "tanh-exp",
    name: "tanh written with exp",
    expression: "(exp(2*n) - 1) / (exp(2*n) + 1)",
    values: { n: 0.8814 },
  },
  {
    id: "mlp",
    name: "A 2-2-1 MLP",
    expression: "tanh(v1*tanh(w11*x1 + w12*x2 + b1) + v2*tanh(w21*x1 + w22*x2 + b2) + c)",
    values: {
      x1: 1,
      x2: -2,
      w11: 0.5,
      w12: -0.3,
      b1: 0.1,
      w21: -0.8,
      w22: 0.2,
      b2: 0.4,
      v1: 1.2,
      v2: -0.7,
      c: 0.05,
    },
  },
  {
    id: "sigmoid-log",
    name: "Sigmoid, log and division",
    expression: "log(1 + sigmoid(a*b)) / (a^2 + 1)",
    values: { a: 0.7, b: -1.3 },
  },
];
