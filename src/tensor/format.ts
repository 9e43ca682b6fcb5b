// toString for tensors, in PyTorch's layout (torch/_tensor_str.py with default print options):
// one number style per tensor (integer-valued, fixed with 4 decimals, or scientific), aligned
// columns, lines wrapped at 80 characters, and "..." summaries of tensors over 1000 elements.
import type { DType, TypedArray } from "../util/dtype.js";

const PRECISION = 4;
const EDGE = 3;
const THRESHOLD = 1000;
const LINEWIDTH = 80;

export interface FormatInfo {
  requiresGrad: boolean;
  gradFn?: string | undefined;
}

export function formatTensor(
  shape: readonly number[],
  values: TypedArray,
  dtype: DType,
  info: FormatInfo,
): string {
  const prefix = "tensor(";
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (values.length === 0) {
    // nothing to infer the dtype from, so it is always named (float32 is the default)
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(", ")})`);
    if (dtype !== "float32") suffixes.push(`dtype=${dtype}`);
    body = "[]";
  } else {
    // int32 stands in for PyTorch's int64, which PyTorch does not name
    if (dtype === "float64") suffixes.push("dtype=float64");
    const summarize = values.length > THRESHOLD;
    const grid = new Grid(shape, values);
    const fmt = makeFormatter(dtype, summarize ? grid.summarized() : Array.from(values));
    body = grid.render(fmt, indent, summarize);
  }
  if (info.gradFn) suffixes.push(`grad_fn=<${backwardName(info.gradFn)}>`);
  else if (info.requiresGrad) suffixes.push("requires_grad=True");
  return addSuffixes(prefix + body, suffixes, indent);
}

/** An op name as PyTorch names its backward node: mul → MulBackward. */
const backwardName = (op: string): string => `${op[0]!.toUpperCase()}${op.slice(1)}Backward`;

/** Appends ", suffix" to the last line, or on a new line when it would pass the line width. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  let out = text;
  let lastLine = text.length - text.lastIndexOf("\n") + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > LINEWIDTH) {
      out += `,\n${" ".repeat(indent)}${s}`;
      lastLine = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return out + ")";
}

interface Formatter {
  width: number;
  format(v: number): string;
}

/** Chooses one style for all the (shown) values, as PyTorch's _Formatter does. */
function makeFormatter(dtype: DType, shown: readonly number[]): Formatter {
  let width = 1;
  const pad = (s: string) => s.padStart(width);
  if (dtype === "bool" || dtype === "int32") {
    const str = (v: number) => (dtype === "bool" ? (v ? "True" : "False") : String(v));
    for (const v of shown) width = Math.max(width, str(v).length);
    return { width, format: (v) => pad(str(v)) };
  }
  const finite = shown.filter((v) => Number.isFinite(v) && v !== 0);
  const intMode = finite.every(Number.isInteger);
  let sci = false;
  if (finite.length > 0) {
    const lo = Math.min(...finite.map(Math.abs));
    const hi = Math.max(...finite.map(Math.abs));
    sci = hi / lo > 1000 || hi > 1e8 || (!intMode && lo < 1e-4);
    for (const v of finite) {
      const s = sci ? pyExp(v, PRECISION) : intMode ? `${pyFixed(v, 0)}.` : pyFixed(v, PRECISION);
      width = Math.max(width, s.length);
    }
  }
  const format = (v: number): string => {
    if (sci) return pad(pyExp(v, PRECISION));
    if (intMode) return pad(Number.isFinite(v) ? `${pyFixed(v, 0)}.` : pyFixed(v, 0));
    return pad(pyFixed(v, PRECISION));
  };
  return { width, format };
}

/** Row-major values with their shape; renders nested brackets and picks the summarized values. */
class Grid {
  private readonly strides: number[];
  constructor(
    private readonly shape: readonly number[],
    private readonly values: TypedArray,
  ) {
    this.strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  }

  /** Indices shown along a dim: all, or the first and last EDGE when summarizing. */
  private shownAlong(n: number, summarize: boolean): number[] {
    if (!summarize || n <= 2 * EDGE) return range(0, n);
    return [...range(0, EDGE), ...range(n - EDGE, n)];
  }

  /** The values a summary displays (they alone choose the number style). */
  summarized(): number[] {
    const out: number[] = [];
    const walk = (dim: number, base: number) => {
      if (dim === this.shape.length) return void out.push(this.values[base]!);
      for (const i of this.shownAlong(this.shape[dim]!, true)) walk(dim + 1, base + i * this.strides[dim]!);
    };
    walk(0, 0);
    return out;
  }

  render(fmt: Formatter, indent: number, summarize: boolean): string {
    const nd = this.shape.length;
    if (nd === 0) return fmt.format(this.values[0]!);
    const rec = (dim: number, base: number, ind: number): string => {
      const n = this.shape[dim]!;
      const cut = summarize && n > 2 * EDGE;
      const at = (i: number) => base + i * this.strides[dim]!;
      if (dim === nd - 1) {
        const cells = cut
          ? [...range(0, EDGE).map((i) => fmt.format(this.values[at(i)]!)), " ...", ...range(n - EDGE, n).map((i) => fmt.format(this.values[at(i)]!))]
          : range(0, n).map((i) => fmt.format(this.values[at(i)]!)); // prettier-ignore
        const perLine = Math.max(1, Math.floor((LINEWIDTH - ind) / (fmt.width + 2)));
        const lines: string[] = [];
        for (let i = 0; i < cells.length; i += perLine) lines.push(cells.slice(i, i + perLine).join(", "));
        return `[${lines.join(",\n" + " ".repeat(ind + 1))}]`;
      }
      const parts = cut
        ? [...range(0, EDGE).map((i) => rec(dim + 1, at(i), ind + 1)), "...", ...range(n - EDGE, n).map((i) => rec(dim + 1, at(i), ind + 1))]
        : range(0, n).map((i) => rec(dim + 1, at(i), ind + 1)); // prettier-ignore
      return `[${parts.join("," + "\n".repeat(nd - dim - 1) + " ".repeat(ind + 1))}]`;
    };
    return rec(0, 0, indent);
  }
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
}

// ---- Python's number formatting: "{:.Nf}" and "{:.Ne}", rounding exact ties to even ----

/** The exact decimal digits of |x| (no leading zeros) and the position of the decimal point. */
function decimalDigits(x: number): { digits: string; point: number } {
  const s = Math.abs(x).toPrecision(100); // exact: a double has fewer significant digits than this
  const [mant, exp] = s.split("e") as [string, string | undefined];
  const dot = mant.indexOf(".");
  let digits = mant.replace(".", "");
  let point = (dot < 0 ? mant.length : dot) + (exp ? Number(exp) : 0);
  const lead = digits.length - digits.replace(/^0+/, "").length;
  digits = digits.slice(lead);
  point -= lead;
  return { digits, point };
}

/** Rounds a digit string to `keep` digits, half to even; returns the digits and a carry flag. */
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  if (keep < 0) return { digits: "", carry: false };
  const kept = digits.slice(0, keep).padEnd(keep, "0");
  const rest = digits.slice(keep);
  const up =
    rest.length > 0 &&
    (rest[0]! > "5" ||
      (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || Number(kept[keep - 1] ?? "0") % 2 === 1)));
  if (!up) return { digits: kept, carry: false };
  const arr = kept.split("").map(Number);
  let i = arr.length - 1;
  while (i >= 0 && arr[i] === 9) arr[i--] = 0;
  if (i < 0) return { digits: "1" + arr.join(""), carry: true };
  arr[i]!++;
  return { digits: arr.join(""), carry: false };
}

const sign = (x: number) => (x < 0 || Object.is(x, -0) ? "-" : "");

/** Python's "{:.Nf}".format(x). */
export function pyFixed(x: number, decimals: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const { digits, point } = decimalDigits(x);
  // pad so the integer part has at least one digit, then keep point + decimals digits
  const padded = point <= 0 ? "0".repeat(1 - point) + digits : digits;
  const p = Math.max(point, 1);
  const r = roundDigits(padded, p + decimals);
  const ip = r.digits.slice(0, r.carry ? p + 1 : p).replace(/^0+(?=\d)/, "");
  const fp = r.digits.slice(r.carry ? p + 1 : p);
  return sign(x) + (decimals > 0 ? `${ip}.${fp}` : ip);
}

/** Python's "{:.Ne}".format(x). */
export function pyExp(x: number, decimals: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  let mant: string;
  let e: number;
  if (x === 0) {
    mant = "0".repeat(decimals + 1);
    e = 0;
  } else {
    const { digits, point } = decimalDigits(x);
    const r = roundDigits(digits, decimals + 1);
    mant = r.digits.slice(0, decimals + 1);
    e = point - 1 + (r.carry ? 1 : 0);
  }
  const m = decimals > 0 ? `${mant[0]}.${mant.slice(1)}` : mant;
  return `${sign(x)}${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}
