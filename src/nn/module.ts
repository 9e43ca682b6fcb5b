// Module: the base of every layer. Parameters and submodules are found from the module's own
// properties (in assignment order, so names match PyTorch's dotted keys); buffers are registered
// explicitly. forward() runs registered hooks, so `model.forward(x)` behaves like `model(x)`.
import * as nb from "../index.js";

/** A tensor that is a module's trainable weight (requiresGrad by default). */
export class Parameter extends nb.Tensor {
  constructor(data: nb.Tensor, requiresGrad = true) {
    super(data.detach().array, null, requiresGrad);
  }
}

export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;
export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown[] | void;

const BUFFERS = Symbol("buffers");

/**
 * The state-dict name of a property: camelCase becomes PyTorch's snake_case (runningMean →
 * running_mean), so checkpoints interoperate with PyTorch's key names.
 */
export const keyName = (prop: string): string => prop.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
const HOOKS = Symbol("hooks");

export abstract class Module {
  training = true;
  private [BUFFERS] = new Map<string, boolean>(); // name → persistent
  private [HOOKS]: { pre: ForwardPreHook[]; post: ForwardHook[] } = { pre: [], post: [] };

  constructor() {
    // wrap the subclass's forward so hooks run on every call (the prototype chain is already set)
    const inner = (this as unknown as { forward: (...a: unknown[]) => unknown }).forward;
    Object.defineProperty(this, "forward", {
      enumerable: false,
      value: (...args: unknown[]) => {
        const hooks = this[HOOKS];
        for (const h of hooks.pre) args = h(this, args) ?? args;
        let out = inner.apply(this, args);
        for (const h of hooks.post) out = h(this, args, out) ?? out;
        return out;
      },
    });
  }

  abstract forward(...args: unknown[]): unknown;

  /** Registers a tensor that is state but not a parameter (running statistics…). */
  registerBuffer(name: string, tensor: nb.Tensor | null, opts: { persistent?: boolean } = {}): void {
    this[BUFFERS].set(name, opts.persistent ?? true);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  registerForwardHook(hook: ForwardHook): { remove(): void } {
    const list = this[HOOKS].post;
    list.push(hook);
    return { remove: () => void list.splice(list.indexOf(hook), 1) };
  }
  registerForwardPreHook(hook: ForwardPreHook): { remove(): void } {
    const list = this[HOOKS].pre;
    list.push(hook);
    return { remove: () => void list.splice(list.indexOf(hook), 1) };
  }

  /** Direct submodules with their attribute names. */
  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of Object.entries(this)) if (v instanceof Module) yield [keyName(k), v];
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }
  /** This module and all below it, depth first, with dotted names ("" for this one). */
  *namedModules(prefix = ""): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k);
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  *namedParameters(prefix = "", recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods)
      for (const [k, v] of Object.entries(m))
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v); // a shared (tied) parameter is listed once, under its first name
          yield [mp ? `${mp}.${keyName(k)}` : keyName(k), v];
        }
  }
  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.namedParameters("", recurse)) yield p;
  }

  *namedBuffers(prefix = "", opts: { persistentOnly?: boolean } = {}): Generator<[string, nb.Tensor]> {
    for (const [mp, m] of this.namedModules(prefix))
      for (const [k, persistent] of m[BUFFERS]) {
        const v = (m as unknown as Record<string, unknown>)[k];
        if (v instanceof nb.Tensor && (persistent || !opts.persistentOnly))
          yield [mp ? `${mp}.${keyName(k)}` : keyName(k), v];
      }
  }
  *buffers(): Generator<nb.Tensor> {
    for (const [, b] of this.namedBuffers()) yield b;
  }

  /** Sets training mode here and below (affects Dropout and BatchNorm). */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Calls fn on every module (children first, then this one), as PyTorch's apply. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Converts every parameter and buffer to dtype, in place (e.g. float64 for gradient checks). */
  to(dtype: nb.DType): this {
    for (const m of this.modules())
      for (const [k, v] of Object.entries(m)) {
        if (v instanceof Parameter)
          (m as unknown as Record<string, unknown>)[k] = new Parameter(v.to(dtype), v.requiresGrad);
        else if (
          v instanceof nb.Tensor &&
          m[BUFFERS].has(k) &&
          (v.dtype === "float32" || v.dtype === "float64")
        )
          (m as unknown as Record<string, unknown>)[k] = v.to(dtype);
      }
    return this;
  }
  double(): this {
    return this.to("float64");
  }
  float(): this {
    return this.to("float32");
  }

  /** Parameters and persistent buffers by dotted snake_case name, as PyTorch's state_dict. */
  stateDict(): Record<string, nb.Tensor> {
    const sd: Record<string, nb.Tensor> = {};
    for (const [k, p] of this.namedParameters()) sd[k] = p.detach();
    for (const [k, b] of this.namedBuffers("", { persistentOnly: true })) sd[k] = b.detach();
    return sd;
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers. With strict (the
   * default) missing or unexpected keys are an error; mis-shaped entries are always an error.
   */
  loadStateDict(
    sd: Record<string, nb.Tensor>,
    opts: { strict?: boolean } = {},
  ): { missingKeys: string[]; unexpectedKeys: string[] } {
    const strict = opts.strict ?? true;
    const own = new Map<string, nb.Tensor>([
      ...this.namedParameters(),
      ...this.namedBuffers("", { persistentOnly: true }),
    ]);
    const missingKeys = [...own.keys()].filter((k) => !(k in sd));
    const unexpectedKeys = Object.keys(sd).filter((k) => !own.has(k));
    const misShaped = [...own]
      .filter(([k, t]) => k in sd && sd[k]!.shape.join() !== t.shape.join())
      .map(([k, t]) => `${k}: checkpoint [${sd[k]!.shape}] vs model [${t.shape}]`);
    const problems: string[] = [];
    if (misShaped.length) problems.push(`size mismatch for ${misShaped.join("; ")}`);
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(", ")}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(", ")}`);
    if (problems.length)
      throw new nb.NablaError(`loadStateDict (${this.constructor.name}): ${problems.join("; ")}`);
    nb.noGrad(() => {
      for (const [k, t] of own) if (k in sd) t.copy_(sd[k]!);
    });
    return { missingKeys, unexpectedKeys };
  }

  /** A printable table of layers with output of parameter counts. */
  summary(): string {
    const rows: [string, string, number][] = [];
    for (const [name, m] of this.namedModules()) {
      let count = 0;
      for (const p of m.parameters(false)) count += p.numel();
      rows.push([name || "(root)", m.constructor.name, count]);
    }
    let total = 0;
    let trainable = 0;
    for (const p of this.parameters()) {
      total += p.numel();
      if (p.requiresGrad) trainable += p.numel();
    }
    const w0 = Math.max(5, ...rows.map((r) => r[0].length));
    const w1 = Math.max(4, ...rows.map((r) => r[1].length));
    const line = (a: string, b: string, c: string) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c.padStart(12)}`;
    return [
      line("layer", "type", "params"),
      "-".repeat(w0 + w1 + 16),
      ...rows.map(([a, b, c]) => line(a, b, c.toLocaleString("en-US"))),
      "-".repeat(w0 + w1 + 16),
      `total parameters: ${total.toLocaleString("en-US")} (trainable: ${trainable.toLocaleString("en-US")})`,
    ].join("\n");
  }

  toString(): string {
    const kids = [...this.namedChildren()];
    const extra = this.extraRepr();
    if (kids.length === 0) return `${this.constructor.name}(${extra})`;
    const inner = kids.map(([k, m]) => `  (${k}): ${m.toString().split("\n").join("\n  ")}`).join("\n");
    return `${this.constructor.name}(${extra ? extra + "\n" : "\n"}${inner}\n)`;
  }

  /** Shown inside this module's toString(), e.g. "inFeatures=2, outFeatures=3". */
  protected extraRepr(): string {
    return "";
  }
}
