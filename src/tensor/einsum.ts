// einsum for one and two operands, as torch.einsum: parses the equation, then composes diagonals
// (where + sum), sums, permutes, reshapes and one matmul, so the gradient comes from those ops.
import { fail, fmtShape, shapeError } from "../util/errors.js";
import { eye } from "./creation.js";
import { mul, where } from "./elementwise.js";
import { matmul } from "./linalg.js";
import { sum } from "./reduce.js";
import { Tensor } from "./tensor.js";
import { expand, permute, reshape } from "./views.js";

/**
 * A label names one dim: a letter, or `…0`, `…1`, … for the dims an ellipsis stands for, numbered
 * so that ellipses of different lengths align on the right (they broadcast like NumPy shapes).
 */
type Label = string;

interface Term {
  letters: string[];
  /** index in `letters` where "..." stood, or -1 */
  ellipsisAt: number;
}

interface Plan {
  /** per operand, one label per dim */
  inputs: Label[][];
  output: Label[];
  /** every label's size after broadcasting size-1 dims */
  sizes: Map<Label, number>;
}

const isLetter = (c: string) => /^[a-zA-Z]$/.test(c);

function parseTerm(eq: string, text: string, start: number, where: string): Term {
  const letters: string[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ".") {
      if (text.slice(i, i + 3) !== "...")
        fail("einsum", `'.' at position ${start + i} of '${eq}' is not part of an ellipsis '...'`);
      if (ellipsisAt >= 0) fail("einsum", `${where} has more than one ellipsis '...' in '${eq}'`);
      ellipsisAt = letters.length;
      i += 2;
    } else if (isLetter(c)) letters.push(c);
    else
      fail(
        "einsum",
        `invalid subscript '${c}' at position ${start + i} of '${eq}'; subscripts are letters a-z, A-Z and '...'`,
      );
  }
  return { letters, ellipsisAt };
}

function ellipsisLabels(count: number, total: number): Label[] {
  return Array.from({ length: count }, (_, i) => `…${total - count + i}`);
}

function plan(equation: string, operands: readonly Tensor[]): Plan {
  const eq = equation.replace(/\s+/g, "");
  const arrow = eq.indexOf("->");
  if (arrow !== eq.lastIndexOf("->")) fail("einsum", `'${equation}' has more than one '->'`);
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const parts = lhs.split(",");
  if (parts.length !== operands.length)
    fail(
      "einsum",
      `'${equation}' has subscripts for ${parts.length} operand(s) but ${operands.length} tensor(s) were given`,
    );
  let pos = 0;
  const terms = parts.map((p, i) => {
    const t = parseTerm(eq, p, pos, `operand ${i}`);
    pos += p.length + 1;
    return t;
  });

  // how many dims each ellipsis covers; the longest sets the ellipsis rank
  const ellDims = terms.map((t, i) => {
    const nd = operands[i]!.ndim;
    const n = t.letters.length;
    if (t.ellipsisAt < 0 ? nd !== n : nd < n)
      shapeError(
        "einsum",
        `operand ${i} has shape ${fmtShape(operands[i]!.shape)} (${nd} dims) but its subscripts '${parts[i]}' name ${n}${t.ellipsisAt < 0 ? "" : " or more"}`,
      );
    return t.ellipsisAt < 0 ? 0 : nd - n;
  });
  const E = Math.max(0, ...ellDims);
  const inputs = terms.map((t, i) => {
    if (t.ellipsisAt < 0) return [...t.letters];
    const l = [...t.letters];
    l.splice(t.ellipsisAt, 0, ...ellipsisLabels(ellDims[i]!, E));
    return l;
  });

  // sizes: equal, or 1 (which broadcasts); a label repeated within an operand must match exactly
  const sizes = new Map<Label, number>();
  const seenIn = new Map<Label, number>();
  inputs.forEach((labels, i) => {
    const own = new Map<Label, number>();
    labels.forEach((l, d) => {
      const n = operands[i]!.shape[d]!;
      const name = l.startsWith("…") ? "dim in '...'" : `subscript ${l}`;
      const mine = own.get(l);
      if (mine !== undefined && mine !== n)
        shapeError("einsum", `${name} is repeated in operand ${i} with sizes ${mine} and ${n}`);
      own.set(l, n);
      const prev = sizes.get(l);
      if (prev === undefined || prev === 1) {
        sizes.set(l, n);
        seenIn.set(l, i);
      } else if (n !== prev && n !== 1)
        shapeError(
          "einsum",
          `${name} has size ${n} in operand ${i} (shape ${fmtShape(operands[i]!.shape)}) but ${prev} in operand ${seenIn.get(l)} (shape ${fmtShape(operands[seenIn.get(l)!]!.shape)}); sizes must match or be 1`,
        );
    });
  });

  let output: Label[];
  if (arrow < 0) {
    // implicit output: the ellipsis dims, then letters used exactly once, in alphabetical order
    const count = new Map<string, number>();
    for (const t of terms) for (const c of t.letters) count.set(c, (count.get(c) ?? 0) + 1);
    const once = [...count].filter(([, n]) => n === 1).map(([c]) => c);
    output = [...ellipsisLabels(E, E), ...once.sort()];
  } else {
    const t = parseTerm(eq, eq.slice(arrow + 2), arrow + 2, "the output");
    for (const c of t.letters) {
      if (!sizes.has(c)) fail("einsum", `output subscript ${c} in '${equation}' appears in no operand`);
      if (t.letters.indexOf(c) !== t.letters.lastIndexOf(c))
        fail("einsum", `output subscript ${c} appears more than once in '${equation}'`);
    }
    output = [...t.letters];
    if (t.ellipsisAt >= 0) output.splice(t.ellipsisAt, 0, ...ellipsisLabels(E, E));
  }
  return { inputs, output, sizes };
}

/** Takes the diagonal of every label repeated within one operand: x[…i…i…] → x[…i…]. */
function diagonals(x: Tensor, labels: Label[]): [Tensor, Label[]] {
  for (let q = 0; q < labels.length; q++) {
    const p = labels.indexOf(labels[q]!);
    if (p === q) continue;
    // keep the entries where the two indices agree (where, not a multiply, so NaN/Inf elsewhere
    // do not leak in), then sum the second dim away
    const n = x.shape[q]!;
    const mask = reshape(
      eye(n, n, { dtype: "bool" }),
      x.shape.map((d, k) => (k === p || k === q ? d : 1)),
    );
    x = sum(where(mask, x, 0), q);
    labels = labels.filter((_, k) => k !== q);
    q--;
  }
  return [x, labels];
}

/** Sums the dims whose labels are not in `keep`. */
function sumOut(x: Tensor, labels: Label[], keep: (l: Label) => boolean): [Tensor, Label[]] {
  const dims = labels.flatMap((l, d) => (keep(l) ? [] : [d]));
  if (dims.length === 0) return [x, labels];
  return [sum(x, dims), labels.filter((l) => keep(l))];
}

/** Permutes x (labelled `labels`) into the order `order` (the same labels). */
function arrange(x: Tensor, labels: Label[], order: Label[]): Tensor {
  const perm = order.map((l) => labels.indexOf(l));
  return perm.every((p, i) => p === i) ? x : permute(x, perm);
}

/**
 * Two operands: classify labels as batch (both inputs and the output), contracted (both inputs,
 * not the output) or free (one input and the output), then one broadcasting matmul
 *   A [...batch, M=Π freeA, K=Π contracted] @ B [...batch, K, N=Π freeB] → [...batch, M, N].
 */
function contract(a: Tensor, la: Label[], b: Tensor, lb: Label[], p: Plan): [Tensor, Label[]] {
  const inB = new Set(lb);
  const inOut = new Set(p.output);
  const batch = p.output.filter((l) => la.includes(l) && inB.has(l));
  const contracted = la.filter((l) => inB.has(l) && !inOut.has(l));
  const freeA = la.filter((l) => !inB.has(l));
  const freeB = lb.filter((l) => !la.includes(l));
  const size = (l: Label) => p.sizes.get(l)!;
  // a contracted dim of size 1 in one operand broadcasts against the other's
  const widen = (x: Tensor, labels: Label[]) =>
    contracted.some((l) => x.shape[labels.indexOf(l)] !== size(l))
      ? expand(
          x,
          labels.map((l, d) => (contracted.includes(l) ? size(l) : x.shape[d]!)),
        )
      : x;
  const x = arrange(widen(a, la), la, [...batch, ...freeA, ...contracted]);
  const y = arrange(widen(b, lb), lb, [...batch, ...contracted, ...freeB]);
  const bx = x.shape.slice(0, batch.length);
  const by = y.shape.slice(0, batch.length);
  const M = freeA.reduce((n, l) => n * size(l), 1);
  const N = freeB.reduce((n, l) => n * size(l), 1);
  const K = contracted.reduce((n, l) => n * size(l), 1);
  const xm = reshape(x, [...bx, M, contracted.length ? K : 1]);
  const ym = reshape(y, [...by, contracted.length ? K : 1, N]);
  // nothing to contract: an outer product per batch entry, which a broadcast multiply does exactly
  const r = contracted.length ? matmul(xm, ym) : mul(xm, ym);
  const batchOut = r.shape.slice(0, batch.length);
  const out = reshape(r, [...batchOut, ...freeA.map(size), ...freeB.map(size)]);
  return [out, [...batch, ...freeA, ...freeB]];
}

/**
 * torch.einsum for one or two operands: `einsum("ij,jk->ik", a, b)`, `einsum("bhqd,bhkd->bhqk",
 * q, k)`, `einsum("...ij->...ji", x)`, `einsum("ii", x)` (trace). Without '->' the output is the
 * ellipsis dims then the letters used once, alphabetically. Labels of size 1 broadcast.
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  if (typeof equation !== "string") fail("einsum", `the equation must be a string, got ${typeof equation}`);
  const ts = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
  if (ts.length === 0) fail("einsum", "needs at least one operand");
  if (ts.length > 2)
    fail(
      "einsum",
      `only one- and two-operand equations are supported, got ${ts.length} operands; chain einsum calls`,
    );
  ts.forEach((t, i) => {
    if (!(t instanceof Tensor)) fail("einsum", `operand ${i} is not a Tensor`);
  });
  const p = plan(equation, ts);
  const inOut = new Set(p.output);
  const prepared = ts.map((t, i) => {
    const [x, labels] = diagonals(t, p.inputs[i]!);
    // labels in no other operand and not in the output can be summed right away
    const other = ts.length === 2 ? new Set(p.inputs[1 - i]!) : new Set<Label>();
    return sumOut(x, labels, (l) => inOut.has(l) || other.has(l));
  });
  let [x, labels] = prepared[0]!;
  if (prepared.length === 2) [x, labels] = contract(x, labels, prepared[1]![0], prepared[1]![1], p);
  return arrange(x, labels, p.output);
}
