// Error classes and helpers: every message starts with the op's name.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  fail,
  fmtShape,
  NablaError,
  NonFiniteError,
  ShapeError,
  shapeError,
  UnsupportedError,
} from "../../src/util/errors.js";

test("fail and shapeError prefix the op and throw nabla's classes", () => {
  assert.throws(
    () => fail("matmul", "bad"),
    (e: Error) => e instanceof NablaError && e.message === "matmul: bad" && e.name === "NablaError",
  );
  assert.throws(
    () => shapeError("add", "bad shapes"),
    (e: Error) => e instanceof ShapeError && e instanceof NablaError && e.name === "ShapeError",
  );
  assert.ok(new UnsupportedError("x") instanceof NablaError);
  assert.equal(new NonFiniteError("x").name, "NonFiniteError");
  assert.equal(fmtShape([2, 0, 3]), "[2,0,3]");
  assert.equal(fmtShape([]), "[]");
});
