// nabla/io for browsers: the byte-level safetensors reader and writer, without the node:fs parts.
export { FileFormatError } from "./errors.js";
export {
  MAX_HEADER_BYTES,
  parseSafetensors,
  serializeSafetensors,
  type ParseOptions,
  type SafetensorsContents,
} from "./safetensors.js";
export type { SafetensorsDType } from "./safetensors-dtypes.js";
