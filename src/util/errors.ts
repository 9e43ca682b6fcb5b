// Errors nabla throws: every message names the op and what was wrong, so a user can act on it.

/** Base class of nabla's errors. */
export class NablaError extends Error {
  override name = "NablaError";
}

/** A shape that breaks an op's rule: the message names the op, the shapes and the rule. */
export class ShapeError extends NablaError {
  override name = "ShapeError";
}

/** A backend lacks a kernel or dtype that an op needs. */
export class UnsupportedError extends NablaError {
  override name = "UnsupportedError";
}

/** A NaN or Inf found where the user asked for finite values (see `nb.setDetectAnomaly`). */
export class NonFiniteError extends NablaError {
  override name = "NonFiniteError";
}

export function fail(op: string, message: string): never {
  throw new NablaError(`${op}: ${message}`);
}

export function shapeError(op: string, message: string): never {
  throw new ShapeError(`${op}: ${message}`);
}

export const fmtShape = (s: readonly number[]): string => `[${s.join(",")}]`;
