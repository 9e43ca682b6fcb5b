// nabla/nn modules against PyTorch (scripts/fixtures/nn.py → test/fixtures/nn.json): PyTorch's
// state_dict loads into each module, then outputs, input and parameter gradients, and running
// statistics after several train/eval steps match; and init.calculateGain matches PyTorch's.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../../src/nn/index.js";
import { loadNnFixtures, runModuleCase } from "./replay.js";

const fx = loadNnFixtures();

for (const c of fx.cases) test(`nn fixture: ${c.name} (${c.dtype})`, () => runModuleCase(c));

test("init.calculateGain matches torch.nn.init.calculate_gain", () => {
  for (const { args, gain } of fx.gains) {
    const [name, param] = args;
    const got = nn.init.calculateGain(name as nn.init.Nonlinearity, param);
    assert.ok(Math.abs(got - gain) < 1e-12, `calculateGain(${args.join(", ")}): ${got} vs ${gain}`);
  }
});
