#!/usr/bin/env node
// The `nabla` executable (package.json's bin): runs the command line in program.ts.

import { run } from "./program.js";

await run(process.argv);
