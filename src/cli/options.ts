// Parsers for command-line option values, turning bad input into commander's one-line errors.

import { InvalidArgumentError } from "commander";

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive integer.`);
  }
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer.`);
  return n;
}

/** A parser of finite numbers that `ok` accepts; anything else is "expected <what>." */
export const finiteNumber =
  (what: string, ok: (n: number) => boolean) =>
  (v: string): number => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || !ok(n)) throw new InvalidArgumentError(`expected ${what}.`);
    return n;
  };
export const positiveNumber = finiteNumber("a positive number", (n) => n > 0);
export const nonNegativeNumber = finiteNumber("a number ≥ 0", (n) => n >= 0);
export const nonNegativeInteger = finiteNumber("an integer ≥ 0", (n) => Number.isInteger(n) && n >= 0);

/** A parser that accepts only one of `choices`. */
export const oneOf =
  <T extends string>(choices: readonly T[]) =>
  (v: string): T => {
    if (!(choices as readonly string[]).includes(v))
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}.`);
    return v as T;
  };

/** Collects repeated `--var name=value` options into a record of finite numbers. */
export function variable(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected name=number.`);
  const [, name, text] = m;
  const n = Number(text);
  if (text!.trim() === "" || !Number.isFinite(n))
    throw new InvalidArgumentError(`${name} must be a finite number.`);
  return { ...previous, [name!]: n };
}
