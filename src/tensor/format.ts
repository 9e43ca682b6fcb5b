// toString for tensors, in PyTorch's layout: nested brackets, aligned columns, 4 decimals for
// floats, and a summary with "..." for large tensors.
import type { DType, TypedArray } from "../util/dtype.js";

const EDGE = 3;
const THRESHOLD = 1000;

export function formatTensor(
  shape: readonly number[],
  values: TypedArray,
  dtype: DType,
  info: { requiresGrad: boolean; gradFn?: string | undefined },
): string {
  const summarize = values.length > THRESHOLD;
  const isFloat = dtype === "float32" || dtype === "float64";
  const allInts = isFloat && Array.from(values).every((v) => Number.isInteger(v) || !Number.isFinite(v));
  const fmt = (v: number): string => {
    if (dtype === "bool") return v ? "True" : "False";
    if (!isFloat) return String(v);
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (allInts) return `${v}.`;
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e8 || a < 1e-4)) return v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
    return v.toFixed(4);
  };
  const cells = Array.from(values, fmt);
  const width = Math.max(1, ...cells.map((c) => c.length));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const indent = "tensor(".length;

  const render = (dim: number, base: number): string => {
    if (dim === shape.length) return cells[base]!.padStart(width);
    const n = shape[dim]!;
    const idx = summarize && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
    const parts = idx.map((i) => (i === -1 ? "..." : render(dim + 1, base + i * strides[dim]!)));
    if (dim === shape.length - 1) return `[${parts.join(", ")}]`;
    const sep = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent + dim + 1);
    return `[${parts.join(sep)}]`;
  };

  let body = shape.length === 0 ? cells[0]! : render(0, 0);
  if (values.length === 0) body = "[]";
  const extras: string[] = [];
  if (values.length === 0 && shape.length > 1) extras.push(`size=(${shape.join(", ")})`);
  if (dtype !== "float32" && dtype !== "bool" && !(dtype === "int32" && values.length > 0))
    extras.push(`dtype=${dtype}`);
  if (dtype === "bool" && values.length === 0) extras.push("dtype=bool");
  if (info.gradFn) extras.push(`grad_fn=<${info.gradFn}>`);
  else if (info.requiresGrad) extras.push("requires_grad=True");
  return `tensor(${[body, ...extras].join(", ")})`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
