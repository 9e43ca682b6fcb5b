// The network playground's Web Worker: the playground host (host.ts) behind postMessage.
import { serveInWorker } from "../common/host.js";
import { playgroundHost } from "./host.js";

serveInWorker(playgroundHost);
