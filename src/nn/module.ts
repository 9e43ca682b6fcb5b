// Module: the base of every layer. Parameters and submodules are found from the module's own
// properties (in assignment order, with camelCase names as PyTorch's snake_case dotted keys);
// buffers are registered explicitly. forward() runs the registered hooks, so `m.forward(x)` is `m(x)`.
import * as nb from "../index.js";

/** A tensor that is a module's trainable weight (requiresGrad by default). */
export class Parameter extends nb.Tensor {
  constructor(data: nb.Tensor, requiresGrad = true) {
    super(data.detach().array, null, requiresGrad);
  }
}

export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;
export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown;
export interface HookHandle {
  remove(): void;
}

/** What loadStateDict reports (PyTorch's _IncompatibleKeys). */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * The state-dict name of a property: camelCase becomes PyTorch's snake_case (runningMean →
 * running_mean, inProjWeight → in_proj_weight), so checkpoints interoperate with PyTorch's keys.
 */
export const keyName = (prop: string): string => prop.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

const BUFFERS = Symbol("buffers");
const HOOKS = Symbol("hooks");
type Bag = Record<string, unknown>;

function handle<T>(list: T[], item: T): HookHandle {
  list.push(item);
  return {
    remove: () => {
      const i = list.indexOf(item);
      if (i >= 0) list.splice(i, 1); // removing twice is a no-op, as in PyTorch
    },
  };
}

export abstract class Module {
  training = true;
  private [BUFFERS] = new Map<string, boolean>(); // property name → persistent
  private [HOOKS]: { pre: ForwardPreHook[]; post: ForwardHook[] } = { pre: [], post: [] };

  constructor() {
    // wrap the subclass's forward so hooks run on every call (the prototype chain is already set)
    const inner = (this as unknown as { forward: (...a: unknown[]) => unknown }).forward;
    Object.defineProperty(this, "forward", {
      enumerable: false,
      value: (...args: unknown[]) => {
        const hooks = this[HOOKS];
        if (!hooks.pre.length && !hooks.post.length) return inner.apply(this, args);
        // hooks are user code: what they see and make must outlive any scope this call runs in
        // (a model's forward may run in nb.scope), since they may keep it
        nb.keepAll(args);
        for (const h of [...hooks.pre]) {
          const r = nb.unscoped(() => h(this, args));
          if (r !== undefined && r !== null) args = Array.isArray(r) ? r : [r];
        }
        let out = inner.apply(this, args);
        nb.keepAll(out);
        for (const h of [...hooks.post]) {
          const r = nb.unscoped(() => h(this, args, out));
          if (r !== undefined && r !== null) out = r;
        }
        return out;
      },
    });
  }

  abstract forward(...args: unknown[]): unknown;

  /**
   * This module's own entries as [state-dict name, value], in definition order. Containers whose
   * keys are data (ModuleDict, named Sequential) override it to keep their keys verbatim.
   */
  protected ownEntries(): [string, unknown][] {
    return Object.entries(this).map(([k, v]) => [keyName(k), v]);
  }

  /** Registers a tensor that is state but not a parameter (running statistics…); null reserves the name. */
  registerBuffer(name: string, tensor: nb.Tensor | null, opts: { persistent?: boolean } = {}): void {
    if (tensor !== null && !(tensor instanceof nb.Tensor))
      throw new TypeError(`registerBuffer: buffer '${name}' must be a Tensor or null`);
    this[BUFFERS].set(name, opts.persistent ?? true);
    (this as unknown as Bag)[name] = tensor;
  }
  /** Sets a parameter under a computed name (PyTorch's register_parameter); same as assigning it. */
  registerParameter(name: string, param: Parameter | null): void {
    if (param !== null && !(param instanceof Parameter))
      throw new TypeError(`registerParameter: '${name}' must be a Parameter or null`);
    (this as unknown as Bag)[name] = param;
  }
  /** Sets a submodule under a computed name (PyTorch's add_module); same as assigning it. */
  registerModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module))
      throw new TypeError(`registerModule: '${name}' must be a Module or null`);
    (this as unknown as Bag)[name] = module;
  }

  registerForwardHook(hook: ForwardHook): HookHandle {
    return handle(this[HOOKS].post, hook);
  }
  /** The hook may return new inputs (an array, or one value) that replace the arguments. */
  registerForwardPreHook(hook: ForwardPreHook): HookHandle {
    return handle(this[HOOKS].pre, hook);
  }

  /** Direct submodules with their names (a submodule held twice is listed once). */
  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [k, v] of this.ownEntries())
      if (v instanceof Module && !seen.has(v)) {
        seen.add(v);
        yield [k, v];
      }
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }
  /** This module and all below it, depth first, with dotted names ("" for this one); each once. */
  *namedModules(prefix = "", memo = new Set<Module>()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k, memo);
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Parameters with dotted names; a shared (tied) parameter is listed once, under its first name. */
  *namedParameters(prefix = "", recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods)
      for (const [k, v] of m.ownEntries())
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          yield [mp ? `${mp}.${k}` : k, v];
        }
  }
  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.namedParameters("", recurse)) yield p;
  }

  /** This module's own buffers (not below it) as [name, tensor, persistent]. */
  private *ownBuffers(): Generator<[string, nb.Tensor, boolean]> {
    for (const [k, persistent] of this[BUFFERS]) {
      const v = (this as unknown as Bag)[k];
      if (v instanceof nb.Tensor) yield [keyName(k), v, persistent];
    }
  }
  *namedBuffers(prefix = "", opts: { persistentOnly?: boolean } = {}): Generator<[string, nb.Tensor]> {
    const seen = new Set<nb.Tensor>();
    for (const [mp, m] of this.namedModules(prefix))
      for (const [k, v, persistent] of m.ownBuffers())
        if ((persistent || !opts.persistentOnly) && !seen.has(v)) {
          seen.add(v);
          yield [mp ? `${mp}.${k}` : k, v];
        }
  }
  *buffers(): Generator<nb.Tensor> {
    for (const [, b] of this.namedBuffers()) yield b;
  }

  /** Sets training mode here and below (affects Dropout, BatchNorm and attention dropout). */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Freezes (false) or unfreezes every parameter, as PyTorch's requires_grad_. */
  requiresGrad_(on = true): this {
    for (const p of this.parameters()) p.requiresGrad_(on);
    return this;
  }

  /** Clears the parameters' gradients: to null (the default, as PyTorch) or to zeros in place. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (opts.setToNone ?? true) p.grad = null;
      else if (p.grad) nb.noGrad(() => p.grad!.zero_());
    }
  }

  /** Calls fn on every module (children first, then this one), as PyTorch's apply. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Converts every floating-point parameter, gradient and buffer to dtype in place: the same
   * tensor objects, so tied weights stay tied and optimizers keep their references.
   */
  to(dtype: nb.DType): this {
    const convert = (t: nb.Tensor) => {
      if (t.dtype === dtype || !(t.dtype === "float32" || t.dtype === "float64")) return;
      t.array = nb.noGrad(() => t.detach().to(dtype)).array;
      if (t.grad) t.grad = t.grad.to(dtype);
    };
    for (const p of this.parameters()) convert(p);
    for (const b of this.buffers()) convert(b);
    return this;
  }
  double(): this {
    return this.to("float64");
  }
  float(): this {
    return this.to("float32");
  }

  /**
   * Every state entry as PyTorch's state_dict walks them: own parameters, own persistent buffers,
   * then each child's under its prefix. Shared parameters and submodules appear under every name,
   * as in PyTorch.
   */
  private stateEntries(prefix = ""): [string, nb.Tensor][] {
    const out: [string, nb.Tensor][] = [];
    const entries = this.ownEntries();
    for (const [k, v] of entries) if (v instanceof Parameter) out.push([prefix + k, v]);
    for (const [k, v, persistent] of this.ownBuffers()) if (persistent) out.push([prefix + k, v]);
    for (const [k, v] of entries) if (v instanceof Module) out.push(...v.stateEntries(`${prefix}${k}.`));
    return out;
  }

  /** Parameters and persistent buffers by dotted snake_case name, as PyTorch's state_dict (shared memory). */
  stateDict(): Record<string, nb.Tensor> {
    const sd: Record<string, nb.Tensor> = {};
    for (const [k, t] of this.stateEntries()) sd[k] = t.detach();
    return sd;
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers (casting dtypes).
   * Mis-shaped entries are always an error; with strict (the default) missing and unexpected keys
   * are too. The error lists every problem at once.
   */
  loadStateDict(sd: Record<string, nb.Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    const strict = opts.strict ?? true;
    const own = new Map(this.stateEntries());
    const missingKeys = [...own.keys()].filter((k) => !(k in sd));
    const unexpectedKeys = Object.keys(sd).filter((k) => !own.has(k));
    const problems: string[] = [];
    const notTensors = Object.keys(sd).filter((k) => own.has(k) && !(sd[k] instanceof nb.Tensor));
    if (notTensors.length) problems.push(`not a Tensor: ${notTensors.join(", ")}`);
    const misShaped = [...own]
      .filter(([k, t]) => sd[k] instanceof nb.Tensor && sd[k].shape.join() !== t.shape.join())
      .map(([k, t]) => `${k}: checkpoint [${sd[k]!.shape}] vs model [${t.shape}]`);
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

  /**
   * A table of every module with its own parameter count, and totals. Given example inputs, it
   * runs one forward pass (without gradients) and adds each module's output shape.
   */
  summary(...inputs: unknown[]): string {
    const shapes = new Map<Module, string>();
    if (inputs.length) {
      const fmt = (o: unknown): string =>
        o instanceof nb.Tensor ? `[${o.shape.join(", ")}]` : Array.isArray(o) ? o.map(fmt).join(" ") : "-";
      const handles = [...this.modules()].map((m) =>
        m.registerForwardHook((mod, _in, out) => void shapes.set(mod, fmt(out))),
      );
      try {
        nb.noGrad(() => this.forward(...inputs));
      } finally {
        for (const h of handles) h.remove();
      }
    }
    const rows: string[][] = [];
    for (const [name, m] of this.namedModules()) {
      let count = 0;
      for (const p of m.parameters(false)) count += p.numel();
      const row = [name || "(root)", m.constructor.name, count.toLocaleString("en-US")];
      rows.push(inputs.length ? [row[0]!, row[1]!, shapes.get(m) ?? "-", row[2]!] : row);
    }
    let total = 0;
    let trainable = 0;
    for (const p of this.parameters()) {
      total += p.numel();
      if (p.requiresGrad) trainable += p.numel();
    }
    const head = inputs.length ? ["layer", "type", "output", "params"] : ["layer", "type", "params"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) =>
      r.map((c, i) => (i === r.length - 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
    const rule = "-".repeat(widths.reduce((a, b) => a + b + 2, -2));
    return [
      line(head),
      rule,
      ...rows.map(line),
      rule,
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
