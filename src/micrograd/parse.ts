// A small expression language over Values, for the `nabla graph` command and the browser
// playground: numbers, variables, + - * / ^ (or **), unary minus, parentheses, and the functions
// tanh exp log relu sigmoid. Errors name the position (1-based column) of the offending text.
//
//   expr    := term (("+" | "-") term)*
//   term    := unary (("*" | "/") unary)*
//   unary   := "-" unary | power                 so -x^2 is -(x^2), as in Python and mathematics
//   power   := primary (("^" | "**") unary)?    right-associative: 2^3^2 is 2^(3^2)
//   primary := number | name | name "(" expr ")" | "(" expr ")"

import { Value } from "./engine.js";

export type Expr =
  | { kind: "number"; value: number; pos: number }
  | { kind: "variable"; name: string; pos: number }
  | { kind: "negate"; arg: Expr; pos: number }
  | { kind: "binary"; op: "+" | "-" | "*" | "/" | "^"; left: Expr; right: Expr; pos: number }
  | { kind: "call"; fn: FunctionName; arg: Expr; pos: number };

export const FUNCTIONS = ["tanh", "exp", "log", "relu", "sigmoid"] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** A syntax or evaluation error at a position of the source (`pos` is 0-based). */
export class ExpressionError extends Error {
  constructor(
    readonly reason: string,
    readonly pos: number,
  ) {
    super(`${reason} at position ${pos + 1}`);
    this.name = "ExpressionError";
  }
}

type Token =
  | { kind: "number"; value: number; text: string; pos: number }
  | { kind: "name"; text: string; pos: number }
  | { kind: "op"; text: string; pos: number }
  | { kind: "end"; text: string; pos: number };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s+|(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/^()])/y;
  let pos = 0;
  while (pos < src.length) {
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new ExpressionError(`unexpected character ${JSON.stringify(src[pos])}`, pos);
    if (m[1] !== undefined) tokens.push({ kind: "number", value: Number(m[1]), text: m[1], pos });
    else if (m[2] !== undefined) tokens.push({ kind: "name", text: m[2], pos });
    else if (m[3] !== undefined) tokens.push({ kind: "op", text: m[3] === "**" ? "^" : m[3], pos });
    pos = re.lastIndex;
  }
  tokens.push({ kind: "end", text: "end of input", pos: src.length });
  return tokens;
}

/** Parses an expression; throws ExpressionError naming the position of a syntax error. */
export function parseExpression(src: string): Expr {
  if (typeof src !== "string") throw new TypeError(`parseExpression: expected a string, got ${typeof src}`);
  const tokens = tokenize(src);
  let i = 0;
  const peek = (): Token => tokens[i]!;
  const isOp = (...ops: string[]): boolean => peek().kind === "op" && ops.includes(peek().text);
  const found = (t: Token): string => (t.kind === "end" ? "end of input" : `"${t.text}"`);
  const expect = (op: string): void => {
    if (!isOp(op)) throw new ExpressionError(`expected "${op}" but found ${found(peek())}`, peek().pos);
    i++;
  };

  const expr = (): Expr => {
    let left = term();
    while (isOp("+", "-")) {
      const t = tokens[i++]!;
      left = { kind: "binary", op: t.text as "+" | "-", left, right: term(), pos: t.pos };
    }
    return left;
  };
  const term = (): Expr => {
    let left = unary();
    while (isOp("*", "/")) {
      const t = tokens[i++]!;
      left = { kind: "binary", op: t.text as "*" | "/", left, right: unary(), pos: t.pos };
    }
    return left;
  };
  const unary = (): Expr => {
    if (isOp("-")) {
      const t = tokens[i++]!;
      return { kind: "negate", arg: unary(), pos: t.pos };
    }
    return power();
  };
  const power = (): Expr => {
    const base = primary();
    if (!isOp("^")) return base;
    const t = tokens[i++]!;
    return { kind: "binary", op: "^", left: base, right: unary(), pos: t.pos };
  };
  const primary = (): Expr => {
    const t = tokens[i]!;
    if (t.kind === "number") {
      i++;
      return { kind: "number", value: t.value, pos: t.pos };
    }
    if (t.kind === "name") {
      i++;
      if (!isOp("(")) return { kind: "variable", name: t.text, pos: t.pos };
      if (!(FUNCTIONS as readonly string[]).includes(t.text)) {
        throw new ExpressionError(`unknown function "${t.text}" (known: ${FUNCTIONS.join(", ")})`, t.pos);
      }
      i++;
      const arg = expr();
      expect(")");
      return { kind: "call", fn: t.text as FunctionName, arg, pos: t.pos };
    }
    if (isOp("(")) {
      i++;
      const inner = expr();
      expect(")");
      return inner;
    }
    throw new ExpressionError(`expected a number, a name or "(" but found ${found(t)}`, t.pos);
  };

  const tree = expr();
  if (peek().kind !== "end") throw new ExpressionError(`unexpected ${found(peek())}`, peek().pos);
  return tree;
}

/** The names of the variables an expression uses, in order of first appearance. */
export function variablesOf(expr: Expr): string[] {
  const names = new Set<string>();
  const stack: Expr[] = [expr];
  const order: Expr[] = [];
  while (stack.length > 0) {
    const e = stack.pop()!;
    order.push(e);
    if (e.kind === "binary") stack.push(e.right, e.left);
    else if (e.kind === "negate" || e.kind === "call") stack.push(e.arg);
  }
  for (const e of order) if (e.kind === "variable") names.add(e.name);
  return [...names];
}

/**
 * Builds the Value graph of an expression. Each variable becomes one leaf Value labelled with its
 * name (shared by every use), or the Value given for it; numbers become constant leaves.
 * Exponents must be constant (Value.pow takes a number).
 */
export function evaluate(expr: Expr, vars: Readonly<Record<string, Value | number>>): Value {
  const leaves = new Map<string, Value>();
  const leaf = (name: string, pos: number): Value => {
    let v = leaves.get(name);
    if (v) return v;
    const given = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (given === undefined) throw new ExpressionError(`unknown variable "${name}"`, pos);
    v = given instanceof Value ? given : new Value(given, { label: name });
    leaves.set(name, v);
    return v;
  };
  const value = (e: Expr): Value => {
    switch (e.kind) {
      case "number":
        return new Value(e.value);
      case "variable":
        return leaf(e.name, e.pos);
      case "negate":
        return value(e.arg).neg();
      case "call":
        return value(e.arg)[e.fn]();
      case "binary": {
        if (e.op === "^") return value(e.left).pow(constant(e.right));
        const a = value(e.left);
        const b = value(e.right);
        if (e.op === "+") return a.add(b);
        if (e.op === "-") return a.sub(b);
        if (e.op === "*") return a.mul(b);
        return a.div(b);
      }
    }
  };
  return value(expr);
}

/** Parses and evaluates in one step. */
export function evaluateExpression(src: string, vars: Readonly<Record<string, Value | number>>): Value {
  return evaluate(parseExpression(src), vars);
}

/** The number a variable-free expression stands for (an exponent). */
function constant(e: Expr): number {
  switch (e.kind) {
    case "number":
      return e.value;
    case "variable":
      throw new ExpressionError(`exponent must be a constant number, found variable "${e.name}"`, e.pos);
    case "negate":
      return -constant(e.arg);
    case "call":
      return new Value(constant(e.arg))[e.fn]().data;
    case "binary": {
      const a = constant(e.left);
      const b = constant(e.right);
      if (e.op === "+") return a + b;
      if (e.op === "-") return a - b;
      if (e.op === "*") return a * b;
      if (e.op === "/") return a / b;
      return a ** b;
    }
  }
}
