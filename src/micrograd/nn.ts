// Neural networks of scalar Values, as micrograd's nn.py: a Module owns parameters; a Neuron is
// w·x + b with an optional ReLU; a Layer is a list of Neurons; an MLP stacks Layers, the last linear.

import { describe } from "./describe.js";
import { Value } from "./engine.js";
import { Rng, randomSeed } from "./random.js";

export abstract class Module {
  abstract parameters(): Value[];

  /** Sets every parameter's grad to 0 (grads accumulate across backward calls). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }
}

export interface InitOptions {
  /** Seed for a fresh generator; the same seed gives the same weights. */
  seed?: number;
  /** A generator to draw from (shared by the neurons of a layer or a network). Wins over seed. */
  rng?: Rng;
}

export interface NeuronOptions extends InitOptions {
  /** Apply a ReLU to the output (default true). */
  nonlin?: boolean;
}

/** The generator a module draws its weights from: the given one, a seeded one, or an unseeded one. */
function generator(options: InitOptions): Rng {
  return options.rng ?? new Rng(options.seed ?? randomSeed());
}

function checkCount(where: string, name: string, n: unknown): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new TypeError(`${where}: ${name} must be a positive integer, got ${describe(n)}`);
  }
}

export class Neuron extends Module {
  readonly w: Value[];
  readonly b: Value;
  readonly nonlin: boolean;

  constructor(nin: number, options: NeuronOptions = {}) {
    super();
    checkCount("Neuron", "nin", nin);
    const rng = generator(options);
    this.w = Array.from({ length: nin }, () => new Value(rng.uniform(-1, 1)));
    this.b = new Value(0);
    this.nonlin = options.nonlin ?? true;
  }

  /** relu(w·x + b), or w·x + b for a linear neuron. */
  forward(x: readonly (Value | number)[]): Value {
    if (x.length !== this.w.length) {
      throw new RangeError(`Neuron.forward: expected ${this.w.length} inputs, got ${x.length}`);
    }
    // micrograd's sum(wi*xi, b): the bias first, then each product added in turn.
    let act = this.b;
    for (let i = 0; i < this.w.length; i++) act = act.add(this.w[i]!.mul(x[i]!));
    return this.nonlin ? act.relu() : act;
  }

  parameters(): Value[] {
    return [...this.w, this.b];
  }

  override toString(): string {
    return `${this.nonlin ? "ReLU" : "Linear"}Neuron(${this.w.length})`;
  }
}

export class Layer extends Module {
  readonly neurons: Neuron[];

  constructor(nin: number, nout: number, options: NeuronOptions = {}) {
    super();
    checkCount("Layer", "nin", nin);
    checkCount("Layer", "nout", nout);
    const rng = generator(options);
    this.neurons = Array.from({ length: nout }, () => new Neuron(nin, { nonlin: options.nonlin, rng }));
  }

  /** One output per neuron (micrograd unwraps a single output; here MLP callers index [0]). */
  forward(x: readonly (Value | number)[]): Value[] {
    return this.neurons.map((n) => n.forward(x));
  }

  parameters(): Value[] {
    return this.neurons.flatMap((n) => n.parameters());
  }

  override toString(): string {
    return `Layer of [${this.neurons.join(", ")}]`;
  }
}

export class MLP extends Module {
  readonly layers: Layer[];

  /** nin inputs, then one layer per entry of nouts; ReLU between layers, the last one linear. */
  constructor(nin: number, nouts: readonly number[], options: InitOptions = {}) {
    super();
    checkCount("MLP", "nin", nin);
    if (!Array.isArray(nouts) || nouts.length === 0) {
      throw new TypeError(`MLP: nouts must be a non-empty array of layer sizes, got ${describe(nouts)}`);
    }
    nouts.forEach((n, i) => checkCount("MLP", `nouts[${i}]`, n));
    const rng = generator(options);
    const sizes = [nin, ...nouts];
    this.layers = nouts.map(
      (_, i) => new Layer(sizes[i]!, sizes[i + 1]!, { nonlin: i !== nouts.length - 1, rng }),
    );
  }

  forward(x: readonly (Value | number)[]): Value[] {
    let out: readonly (Value | number)[] = x;
    for (const layer of this.layers) out = layer.forward(out);
    return out as Value[];
  }

  parameters(): Value[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  override toString(): string {
    return `MLP of [${this.layers.join(", ")}]`;
  }
}
