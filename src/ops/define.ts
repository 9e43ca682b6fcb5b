// defineOp: how a primitive is declared — its forward over NdArrays and its backward rule, together.
import type { NdArray } from "./ndarray.js";

/** What forward leaves for backward: saved arrays and which inputs need a gradient. */
export class OpContext {
  saved: NdArray[] = [];
  /** Filled by forward for rules that need more than arrays (shapes, indices…). */
  memo: Record<string, unknown> = {};
  freed = false;
  constructor(readonly needsGrad: readonly boolean[]) {}

  save(...arrays: NdArray[]): void {
    this.saved = arrays;
  }
}

export interface OpDef<A = void> {
  readonly name: string;
  /** Computes the output from the inputs; may save what backward needs on ctx. */
  forward(ctx: OpContext, inputs: NdArray[], attrs: A): NdArray;
  /**
   * Maps the output's gradient to one gradient per input (null where the input needs none).
   * Absent for ops that are not differentiable (comparisons, argmax…).
   */
  backward?(ctx: OpContext, grad: NdArray, attrs: A): (NdArray | null)[];
  /**
   * Set when backward runs user code (defineFunction), which may keep what it allocates: the
   * engine then frees none of its temporaries. Primitives' rules are pure and leave it unset.
   */
  readonly userCode?: boolean;
}

export function defineOp<A = void>(def: OpDef<A>): OpDef<A> {
  return def;
}
