// Graph nodes: one per differentiable op application (its rule, context and input edges), and one
// "accumulate" node per leaf that requires grad, which hands the summed gradient to a sink.
import type { OpContext, OpDef } from "../ops/define.js";
import type { NdArray } from "../ops/ndarray.js";
import type { DType } from "../util/dtype.js";

export type GradHook = (grad: NdArray) => NdArray | void;

export interface InputMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export class Node {
  /** Hooks that see (and may replace) the gradient arriving at this node's output. */
  hooks: GradHook[] = [];
  /** Set by retainGrad() on a non-leaf tensor: receives its gradient. */
  retain: ((grad: NdArray) => void) | null = null;
  /** Per input: the shape and dtype its gradient must have (checked by the engine when set). */
  inputMeta: readonly InputMeta[] | null = null;

  constructor(
    readonly op: OpDef<unknown> | null,
    readonly ctx: OpContext | null,
    readonly attrs: unknown,
    /** per input: the node its gradient flows to, or null when it needs none */
    readonly inputs: readonly (Node | null)[],
    /** leaves only: where the summed gradient goes (into tensor.grad) */
    /**
     * Receives a leaf's summed gradient. With `yours` the buffer is backward's own and referred to
     * by nothing else, so the sink may keep it (returning true) instead of copying it.
     */
    readonly sink: ((grad: NdArray, yours: boolean) => boolean) | null = null,
  ) {}

  get name(): string {
    return this.op ? this.op.name : "AccumulateGrad";
  }
  get isLeaf(): boolean {
    return this.op === null;
  }
}
