// The tiny-GPT page's Web Worker: the GPT host (host.ts) behind postMessage, on the
// backend the page asks for (common/backend.ts).
import { withBackend } from "../common/backend.js";
import { serveInWorker } from "../common/host.js";
import { gptHost } from "./host.js";

serveInWorker(withBackend(gptHost));
