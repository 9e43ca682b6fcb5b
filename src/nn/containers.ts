// Containers: Sequential (runs children in order), ModuleList and ModuleDict (hold submodules so
// their parameters are found, with indices or keys as the dotted names).
import type * as nb from "../index.js";
import { Module } from "./module.js";

export class Sequential extends Module {
  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => ((this as unknown as Record<string, Module>)[String(i)] = m));
  }
  get length(): number {
    return [...this.children()].length;
  }
  at(i: number): Module {
    const kids = [...this.children()];
    const m = kids[i < 0 ? i + kids.length : i];
    if (!m) throw new RangeError(`Sequential: index ${i} out of range for ${kids.length} layers`);
    return m;
  }
  forward(x: nb.Tensor): nb.Tensor {
    for (const m of this.children()) x = m.forward(x) as nb.Tensor;
    return x;
  }
}

export class ModuleList<M extends Module = Module> extends Module {
  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  get length(): number {
    return [...this.children()].length;
  }
  append(m: M): this {
    (this as unknown as Record<string, Module>)[String(this.length)] = m;
    return this;
  }
  at(i: number): M {
    const kids = [...this.children()] as M[];
    const m = kids[i < 0 ? i + kids.length : i];
    if (!m) throw new RangeError(`ModuleList: index ${i} out of range for ${kids.length} modules`);
    return m;
  }
  [Symbol.iterator](): Iterator<M> {
    return ([...this.children()] as M[])[Symbol.iterator]();
  }
  forward(): never {
    throw new Error("ModuleList has no forward(); iterate over its modules");
  }
}

export class ModuleDict<M extends Module = Module> extends Module {
  constructor(modules: Record<string, M> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }
  set(key: string, m: M): this {
    if (key in this && !((this as unknown as Record<string, unknown>)[key] instanceof Module))
      throw new Error(`ModuleDict: key '${key}' clashes with a property of the container`);
    (this as unknown as Record<string, Module>)[key] = m;
    return this;
  }
  get(key: string): M | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return v instanceof Module ? (v as M) : undefined;
  }
  keys(): string[] {
    return [...this.namedChildren()].map(([k]) => k);
  }
  forward(): never {
    throw new Error("ModuleDict has no forward(); look up its modules by key");
  }
}
