// The tiny-GPT page's Web Worker: the GPT host (host.ts) behind postMessage.
import { serveInWorker } from "../common/host.js";
import { gptHost } from "./host.js";

serveInWorker(gptHost);
