// Containers: Sequential (runs children in order), ModuleList and ModuleDict (hold submodules so
// their parameters are found, with indices or keys, verbatim, as the dotted names).
import type * as nb from "../index.js";
import { Module } from "./module.js";

/**
 * Holds submodules under data keys ("0", "1", … or user keys) in insertion order, kept in a map
 * rather than as properties so keys are never renamed or reordered (JS orders integer-like keys
 * first) and cannot clash with methods.
 */
abstract class Container<M extends Module> extends Module {
  protected readonly items = new Map<string, M>();
  protected override ownEntries(): [string, unknown][] {
    return [...super.ownEntries().filter(([, v]) => !(v instanceof Module)), ...this.items];
  }
  get length(): number {
    return this.items.size;
  }
  protected put(op: string, key: string, m: M): void {
    if (!(m instanceof Module)) throw new TypeError(`${op}: '${key}' is not a Module`);
    if (key === "" || key.includes("."))
      throw new TypeError(`${op}: key '${key}' must be non-empty and contain no "."`);
    this.items.set(key, m);
  }
  protected index(op: string, i: number): M {
    const n = this.items.size;
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(j) || j < 0 || j >= n)
      throw new RangeError(`${op}: index ${i} is out of range for ${n} modules`);
    return [...this.items.values()][j]!;
  }
  [Symbol.iterator](): Iterator<M> {
    return this.items.values();
  }
}

type Named<M> = Record<string, M> | Map<string, M> | readonly (readonly [string, M])[];
/** [key, module] pairs of a record, a Map or a list of pairs (the latter two keep integer-like keys in order). */
const pairs = <M>(x: Named<M>): (readonly [string, M])[] =>
  x instanceof Map
    ? [...x]
    : Array.isArray(x)
      ? [...(x as readonly (readonly [string, M])[])]
      : Object.entries(x);

/**
 * Runs its modules in order: `new Sequential(a, b)` names them "0", "1"; `new Sequential({ fc: a })`
 * (or a Map, or [key, module] pairs) by key.
 */
export class Sequential extends Container<Module> {
  constructor(...layers: Module[] | [Named<Module>]) {
    super();
    const [first] = layers;
    if (layers.length === 1 && first !== undefined && !(first instanceof Module))
      for (const [k, m] of pairs(first as Named<Module>)) this.put("Sequential", k, m);
    else (layers as Module[]).forEach((m, i) => this.put("Sequential", String(i), m));
  }
  at(i: number): Module {
    return this.index("Sequential", i);
  }
  append(m: Module): this {
    this.put("Sequential.append", String(this.items.size), m);
    return this;
  }
  forward(x: unknown): nb.Tensor {
    for (const m of this.items.values()) x = m.forward(x);
    return x as nb.Tensor;
  }
}

export class ModuleList<M extends Module = Module> extends Container<M> {
  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  append(m: M): this {
    this.put("ModuleList.append", String(this.items.size), m);
    return this;
  }
  extend(ms: Iterable<M>): this {
    for (const m of ms) this.append(m);
    return this;
  }
  at(i: number): M {
    return this.index("ModuleList", i);
  }
  forward(): never {
    throw new TypeError("ModuleList has no forward(); iterate over its modules");
  }
}

/**
 * Modules by key, in insertion order. A plain object lists integer-like keys first (JavaScript's
 * rule); give a Map or [key, module] pairs to keep another order.
 */
export class ModuleDict<M extends Module = Module> extends Container<M> {
  constructor(modules: Named<M> = {}) {
    super();
    for (const [k, m] of pairs(modules)) this.set(k, m);
  }
  set(key: string, m: M): this {
    this.put("ModuleDict", key, m);
    return this;
  }
  get(key: string): M | undefined {
    return this.items.get(key);
  }
  has(key: string): boolean {
    return this.items.has(key);
  }
  delete(key: string): boolean {
    return this.items.delete(key);
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
  entries(): [string, M][] {
    return [...this.items];
  }
  forward(): never {
    throw new TypeError("ModuleDict has no forward(); look up its modules by key");
  }
}
