// The network playground's Web Worker: the playground host (host.ts) behind postMessage, on the
// backend the page asks for (common/backend.ts).
import { withBackend } from "../common/backend.js";
import { serveInWorker } from "../common/host.js";
import { playgroundHost } from "./host.js";

serveInWorker(withBackend(playgroundHost));
