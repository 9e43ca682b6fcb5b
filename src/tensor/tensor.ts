// Tensor: the user-facing n-dimensional array with autograd. It holds an NdArray (a strided view
// of a backend buffer) and, for non-leaves, the graph node that produced it. Ops are added to the
// class by the family files beside this one (elementwise.ts, reduce.ts, …).
import { runBackward } from "../autograd/engine.js";
import { Node } from "../autograd/node.js";
import { applyOp, type AutogradInput } from "../autograd/apply.js";
import type { OpDef } from "../ops/define.js";
import { cast, claim, full, type NdArray, unclaim } from "../ops/ndarray.js";
import { reshape, updateInto } from "../ops/array.js";
import type { DType, TypedArray } from "../util/dtype.js";
import { fail, fmtShape, shapeError } from "../util/errors.js";
import { normDim, shapesEqual } from "../util/shape.js";
import { formatTensor } from "./format.js";
import { keep, track } from "./scope.js";

export type NestedArray = number | boolean | NestedArray[];

export class Tensor implements AutogradInput {
  /** The gradient accumulated by backward() (leaves, and non-leaves after retainGrad()). */
  grad: Tensor | null = null;
  private _requiresGrad: boolean;
  private accumulator: Node | null = null;

  private _array: NdArray | null;

  /** Internal: use nb.tensor() and the other creation functions. */
  constructor(
    array: NdArray,
    /** the node that produced this tensor; null for leaves */
    readonly gradFn: Node | null = null,
    requiresGrad = false,
  ) {
    this._array = array;
    claim(array);
    track(this);
    this._requiresGrad = gradFn !== null || requiresGrad;
    if (requiresGrad && !(array.dtype === "float32" || array.dtype === "float64"))
      fail("requiresGrad", `only floating-point tensors can require gradients, not ${array.dtype}`);
  }

  /** The strided view of backend memory behind this tensor (internal). */
  get array(): NdArray {
    if (this._array === null)
      fail("tensor", "this tensor was disposed (dispose() released its memory); it cannot be used again");
    return this._array;
  }
  set array(a: NdArray) {
    claim(a);
    if (this._array) unclaim(this._array);
    this._array = a;
  }

  /**
   * Releases this tensor's memory now (when no other tensor shares it and backward no longer
   * needs it; otherwise as soon as those let go). Optional: memory of unreachable tensors is
   * reclaimed without it. Using the tensor afterwards is an error; disposing twice is not.
   */
  dispose(): void {
    const a = this._array;
    if (a === null) return;
    this._array = null;
    unclaim(a);
  }
  get isDisposed(): boolean {
    return this._array === null;
  }

  get shape(): number[] {
    return [...this.array.shape];
  }
  get ndim(): number {
    return this.array.shape.length;
  }
  get dtype(): DType {
    return this.array.dtype;
  }
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(on: boolean) {
    this.requiresGrad_(on);
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get device(): string {
    return this.array.backend.name;
  }

  /** Size of one dim, or the whole shape. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    return dim === undefined ? this.shape : this.array.shape[normDim("size", dim, this.ndim)]!;
  }
  numel(): number {
    return this.array.size;
  }
  dim(): number {
    return this.ndim;
  }
  stride(): number[] {
    return [...this.array.strides];
  }
  isContiguous(): boolean {
    return this.array.isContiguous;
  }

  /** Sets requiresGrad on a leaf, in place (PyTorch's requires_grad_). */
  requiresGrad_(on = true): this {
    if (!this.isLeaf && !on)
      fail("requiresGrad_", "cannot turn off requiresGrad on a non-leaf tensor; use detach()");
    if (on && !(this.dtype === "float32" || this.dtype === "float64"))
      fail("requiresGrad_", `only floating-point tensors can require gradients, not ${this.dtype}`);
    this._requiresGrad = on;
    return this;
  }

  /** The node gradients flow into: the producing op's, or this leaf's accumulator. */
  gradNode(): Node | null {
    if (this.gradFn) return this.gradFn;
    if (!this._requiresGrad) return null;
    this.accumulator ??= new Node(null, null, null, [], (g, yours) => this.accumulate(g, yours));
    return this.accumulator;
  }

  /** Adds g to .grad in place (true when it kept g's buffer as the new .grad, see Node.sink). */
  private accumulate(g: NdArray, yours: boolean): boolean {
    const prev = this.grad;
    if (prev && !prev.isDisposed && shapesEqual(prev.shape, g.shape)) {
      // accumulate in place, as PyTorch does (a reference to .grad sees the sum)
      updateInto("add", prev.array, g);
      return false;
    }
    // backward's own contiguous array becomes .grad; anything else is copied, so later in-place
    // updates never alias the graph's arrays
    const whole = g.isWholeBuffer && g.dtype === this.dtype;
    this.grad = keep(new Tensor(yours && whole ? g : cast(g, g.dtype)));
    return yours && whole;
  }

  /**
   * Backpropagates from this tensor. A scalar needs no gradient argument; any other shape needs
   * one of its own shape (the vector in the vector–Jacobian product). `backward({ retainGraph })`
   * is accepted as a shorthand for `backward(undefined, { retainGraph })`.
   */
  backward(gradient?: Tensor | { retainGraph?: boolean }, opts: { retainGraph?: boolean } = {}): void {
    if (gradient !== undefined && !(gradient instanceof Tensor)) {
      if (typeof gradient !== "object" || gradient === null)
        fail("backward", `gradient must be a Tensor, got ${gradient === null ? "null" : typeof gradient}`);
      [gradient, opts] = [undefined, gradient];
    }
    if (!this._requiresGrad)
      fail(
        "backward",
        "this tensor does not require grad and has no grad_fn (did you set requiresGrad on an input?)",
      );
    let g: NdArray;
    if (gradient === undefined) {
      if (this.numel() !== 1)
        shapeError(
          "backward",
          `grad can be implicitly created only for scalar outputs; this tensor has shape ${fmtShape(this.shape)}`,
        );
      g = full(this.shape, 1, this.dtype, this.array.backend);
    } else {
      if (!shapesEqual(gradient.shape, this.shape))
        shapeError(
          "backward",
          `gradient has shape ${fmtShape(gradient.shape)} but the tensor has shape ${fmtShape(this.shape)}`,
        );
      g = gradient.dtype === this.dtype ? gradient.array : cast(gradient.array, this.dtype);
    }
    runBackward([[this.gradNode()!, g]], {
      ...opts,
      ownRoots: gradient === undefined || g !== gradient.array,
    });
  }

  /** A new leaf sharing this tensor's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.array);
  }

  /** Keeps this non-leaf's gradient in .grad after backward. */
  retainGrad(): this {
    const node = this.gradNode();
    if (!node) fail("retainGrad", "cannot retain the gradient of a tensor that does not require grad");
    if (!node.isLeaf) node.retain = (g) => void this.accumulate(g, false); // g flows on: copied
    return this;
  }

  /**
   * Calls fn with the gradient w.r.t. this tensor during backward; a returned tensor (of the same
   * shape) replaces it. remove() unregisters the hook.
   */
  registerHook(fn: (grad: Tensor) => Tensor | void): { remove(): void } {
    const node = this.gradNode();
    if (!node) fail("registerHook", "cannot register a hook on a tensor that does not require grad");
    const hook = (g: NdArray) => {
      const r = fn(new Tensor(g));
      if (r === undefined || r === null) return undefined;
      if (!(r instanceof Tensor)) fail("registerHook", `the hook returned ${typeof r}, not a Tensor`);
      if (!shapesEqual(r.shape, g.shape))
        shapeError(
          "registerHook",
          `the hook returned a gradient of shape ${fmtShape(r.shape)} for a tensor of shape ${fmtShape(g.shape)}`,
        );
      return r.dtype === g.dtype ? r.array : cast(r.array, g.dtype);
    };
    node.hooks.push(hook);
    return {
      remove: () => {
        const i = node.hooks.indexOf(hook);
        if (i >= 0) node.hooks.splice(i, 1);
      },
    };
  }

  /** Values in row-major order (sync; CPU backends). */
  dataSync(): TypedArray {
    return this.array.toTypedArray();
  }
  /** Values in row-major order, on every backend. */
  data(): Promise<TypedArray> {
    return this.array.toTypedArrayAsync();
  }
  /** The value of a one-element tensor as a number (booleans as 0/1). */
  item(): number {
    if (this.numel() !== 1)
      fail("item", `a tensor with ${this.numel()} elements cannot be converted to a number`);
    return this.dataSync()[0]!;
  }
  /** Nested JS arrays (booleans for bool tensors), as tolist in PyTorch. */
  tolist(): NestedArray {
    const v = this.dataSync();
    const isBool = this.dtype === "bool";
    let i = 0;
    const build = (d: number): NestedArray => {
      if (d === this.ndim) return isBool ? v[i++] !== 0 : v[i++]!;
      return Array.from({ length: this.array.shape[d]! }, () => build(d + 1));
    };
    return build(0);
  }

  toString(): string {
    return formatTensor(this.shape, this.dataSync(), this.dtype, {
      requiresGrad: this._requiresGrad,
      gradFn: this.gradFn?.name,
    });
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Runs a primitive on tensors, recording it for autograd when needed. */
export function apply<A>(op: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  const { array, node } = applyOp(op, inputs, attrs);
  return new Tensor(array, node);
}

/** Reshape without autograd, for internal views of non-differentiable results. */
export function rawReshape(t: Tensor, shape: readonly number[]): Tensor {
  return new Tensor(reshape(t.array, shape));
}
