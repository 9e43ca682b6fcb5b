// defineFunction: custom differentiable ops with a hand-written backward, like
// torch.autograd.Function. Forward runs without recording; one graph node calls the backward.
import { Node } from "../autograd/node.js";
import { isAnomalyEnabled, isGradEnabled, noGrad } from "../autograd/grad-mode.js";
import { copyInto, reshape } from "../ops/array.js";
import { OpContext, type OpDef } from "../ops/define.js";
import { cast, empty, type NdArray } from "../ops/ndarray.js";
import { isFloat } from "../util/dtype.js";
import { fail, fmtShape, NablaError, NonFiniteError, shapeError } from "../util/errors.js";
import { shapesEqual } from "../util/shape.js";
import { Tensor } from "./tensor.js";

/** What forward leaves for backward. Other fields may be set freely (ctx.shape = …). */
export interface FunctionCtx {
  /** Keeps tensors for backward (read them back from `saved`). */
  saveForBackward(...tensors: Tensor[]): void;
  /** The tensors given to saveForBackward; an error once backward has freed them. */
  readonly saved: Tensor[];
  /** Per forward argument: whether it is a tensor that requires grad. */
  readonly needsInputGrad: readonly boolean[];
  [key: string]: unknown;
}

export type FunctionGrads = Tensor | null | undefined | readonly (Tensor | null | undefined)[];

export interface FunctionDef<Args extends unknown[], R extends Tensor | Tensor[]> {
  /** Names the function in errors and in grad_fn (default "CustomFunction"). */
  name?: string;
  /** Computes the outputs (without recording a graph); arguments may be tensors or anything else. */
  forward(ctx: FunctionCtx, ...args: Args): R;
  /**
   * Maps one gradient per output (zeros for outputs that got none; float32 zeros for non-float
   * outputs) to one gradient per forward argument: a tensor of that argument's shape, or null.
   * A single tensor is accepted when forward takes one argument.
   */
  backward(ctx: FunctionCtx, ...grads: Tensor[]): FunctionGrads;
}

class Ctx implements FunctionCtx {
  [key: string]: unknown;
  constructor(
    private readonly name: string,
    readonly needsInputGrad: readonly boolean[],
    /** the node's context: saved tensors live in its memo, which the engine clears after backward */
    private readonly op: OpContext,
  ) {}
  saveForBackward(...tensors: Tensor[]): void {
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) fail(`${this.name}.saveForBackward`, `argument ${i} is not a Tensor`);
    });
    this.op.memo.saved = tensors;
  }
  get saved(): Tensor[] {
    if (this.op.freed)
      fail(
        this.name,
        "saved tensors were freed by an earlier backward; pass { retainGraph: true } to it to backward twice",
      );
    return (this.op.memo.saved as Tensor[] | undefined) ?? [];
  }
}

/**
 * Makes a differentiable function from a forward and a backward:
 * `const myExp = defineFunction({ forward(ctx, x) {…}, backward(ctx, g) {…} }); myExp(x)`.
 */
export function defineFunction<Args extends unknown[] = Tensor[], R extends Tensor | Tensor[] = Tensor>(
  def: FunctionDef<Args, R>,
): (...args: Args) => R {
  const name = def.name ?? "CustomFunction";
  if (typeof def.forward !== "function" || typeof def.backward !== "function")
    fail("defineFunction", `${name} needs a forward and a backward method`);
  return (...args: Args): R => {
    const needs = args.map((a) => isGradEnabled() && a instanceof Tensor && a.requiresGrad);
    const opCtx = new OpContext(needs);
    const ctx = new Ctx(name, needs, opCtx);
    const result = noGrad(() => def.forward(ctx, ...args));
    const outs = checkOutputs(name, result);
    if (isAnomalyEnabled()) outs.forEach((o, i) => checkFinite(`${name}: output ${i}`, o));
    if (!needs.some(Boolean))
      return wrap(
        result,
        outs.map((o) => new Tensor(o.array)),
      );
    const inputs = args.map((a, i) => (needs[i] ? (a as Tensor) : null));
    const isTensor = args.map((a) => a instanceof Tensor);
    const backward = (gs: NdArray[]) => runUserBackward(def, name, ctx, inputs, isTensor, gs);
    return wrap(result, recordOutputs(name, outs, inputs, opCtx, backward));
  };
}

function wrap<R extends Tensor | Tensor[]>(result: R, outs: Tensor[]): R {
  return (Array.isArray(result) ? outs : outs[0]!) as R;
}

function checkOutputs(name: string, result: Tensor | Tensor[]): Tensor[] {
  const outs = Array.isArray(result) ? result : [result];
  if (outs.length === 0) fail(name, "forward returned no tensors");
  outs.forEach((o, i) => {
    if (!(o instanceof Tensor))
      fail(name, `forward must return a Tensor or an array of Tensors; output ${i} is ${typeof o}`);
  });
  return outs;
}

function checkFinite(what: string, t: Tensor): void {
  if (!isFloat(t.dtype)) return;
  for (const v of t.dataSync())
    if (!Number.isFinite(v)) throw new NonFiniteError(`${what} holds ${v} (anomaly detection)`);
}

/** Calls the user's backward without recording, and checks what it returns against the inputs. */
function runUserBackward(
  def: FunctionDef<never, Tensor | Tensor[]>,
  name: string,
  ctx: Ctx,
  inputs: readonly (Tensor | null)[],
  isTensor: readonly boolean[],
  grads: NdArray[],
): (NdArray | null)[] {
  const ret = noGrad(() => def.backward(ctx, ...grads.map((g) => new Tensor(g))));
  const list: readonly (Tensor | null | undefined)[] =
    ret instanceof Tensor || ret === null || ret === undefined ? [ret] : ret;
  if (!Array.isArray(list) || list.length !== inputs.length)
    fail(
      `${name} backward`,
      `returned ${Array.isArray(list) ? list.length : typeof list} gradient(s), but forward took ${inputs.length} argument(s); return one per argument (null for those without a gradient)`,
    );
  return list.map((g, i) => {
    if (g === null || g === undefined) return null;
    if (!(g instanceof Tensor)) fail(`${name} backward`, `gradient ${i} is not a Tensor or null`);
    if (!isTensor[i])
      fail(
        `${name} backward`,
        `returned a gradient for argument ${i}, which is not a Tensor; return null there`,
      );
    const x = inputs[i];
    if (!x) return null; // a tensor that needs no gradient: its gradient is dropped
    if (!shapesEqual(g.shape, x.shape))
      shapeError(
        `${name} backward`,
        `gradient ${i} has shape ${fmtShape(g.shape)} but input ${i} has shape ${fmtShape(x.shape)}`,
      );
    return g.dtype === x.dtype ? g.array : cast(g.array, x.dtype);
  });
}

/**
 * One node for the function. With several float outputs, their gradients meet in a float64
 * "packed" buffer (each output's gradient lands in its own slot), so the engine sums them into
 * one gradient before the user's backward runs once.
 */
function recordOutputs(
  name: string,
  outs: readonly Tensor[],
  inputs: readonly (Tensor | null)[],
  opCtx: OpContext,
  backward: (gs: NdArray[]) => (NdArray | null)[],
): Tensor[] {
  const edges = inputs.map((t) => (t ? t.gradNode() : null));
  const diff = outs.map((o) => isFloat(o.dtype));
  if (outs.length === 1 && diff[0]) {
    const op: OpDef<unknown> = { name, forward: unused, backward: (_c, g) => backward([g]), userCode: true };
    return [new Tensor(outs[0]!.array, new Node(op, opCtx, null, edges))];
  }
  const sizes = outs.map((o) => (isFloat(o.dtype) ? o.numel() : 0));
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  const hubOp: OpDef<unknown> = {
    name,
    userCode: true,
    forward: unused,
    backward: (_c, packed) =>
      backward(
        outs.map((o, i) => {
          if (!diff[i]) return empty(o.shape, "float32", packed.backend);
          const part = packed.withLayout([sizes[i]!], [1], packed.offset + starts[i]!);
          return cast(reshape(part, o.shape), o.dtype);
        }),
      ),
  };
  const hub = new Node(hubOp, opCtx, null, edges);
  return outs.map((o, i) => {
    if (!diff[i]) return new Tensor(o.array);
    const slotOp: OpDef<unknown> = {
      name: `${name}[${i}]`,
      forward: unused,
      backward: (_c, g) => {
        const packed = empty([total], "float64", g.backend);
        copyInto(reshape(g, [sizes[i]!]), packed.withLayout([sizes[i]!], [1], starts[i]!));
        return [packed];
      },
    };
    return new Tensor(o.array, new Node(slotOp, new OpContext([true]), null, [hub]));
  });
}

const unused = (): never => {
  throw new NablaError("defineFunction: internal nodes are never run forward");
};
