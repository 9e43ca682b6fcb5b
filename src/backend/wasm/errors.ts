// Errors of the WebAssembly backend (kept apart from its kernels so the public API can export
// them without loading the module).
import { NablaError } from "../../util/errors.js";

/** The WebAssembly heap could not hold a new buffer: the message names the request and the heap. */
export class OutOfMemoryError extends NablaError {
  override name = "OutOfMemoryError";
}
