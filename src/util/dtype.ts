// Data types: their typed-array storage and PyTorch's promotion rules (bool < int32 < float32 < float64).
import { fail } from "./errors.js";

export type DType = "float32" | "float64" | "int32" | "bool";
export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

export function typedArrayFor(dtype: DType, size: number): TypedArray {
  return new CTORS[dtype](size);
}

/** The dtype a typed array's values get (Uint8Array holds bools). Other typed arrays are an error. */
export function dtypeOfArray(op: string, a: ArrayBufferView): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint8Array) return "bool";
  return fail(
    op,
    `unsupported typed array ${a.constructor.name}; use Float32Array, Float64Array, Int32Array or Uint8Array (bool), or a plain array`,
  );
}

export const isFloat = (d: DType): boolean => d === "float32" || d === "float64";

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** The result dtype of combining two tensors, as torch.result_type does for same-kind dims. */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype a plain JS number takes next to a tensor of dtype `t` (PyTorch's "weak" scalars):
 * it adopts the tensor's dtype unless it is of a higher kind (a fraction next to ints → float32).
 */
export function scalarDtypeNear(t: DType, value: number | boolean): DType {
  if (typeof value === "boolean") return t;
  if (!Number.isInteger(value) || !Number.isFinite(value)) return isFloat(t) ? t : "float32";
  return t === "bool" ? "int32" : t;
}

export function assertDtype(op: string, d: unknown): DType {
  if (typeof d === "string" && (DTYPES as readonly string[]).includes(d)) return d as DType;
  return fail(op, `unknown dtype ${String(d)}; expected one of ${DTYPES.join(", ")}`);
}
