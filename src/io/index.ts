// nabla/io: checkpoints. safetensors bytes and files, atomic writes, state dicts and training
// checkpoints (tensors + JSON state in one file). `import { saveCheckpoint } from "nabla/io"`.
export * from "./browser.js";
export { atomicWriteFile, type AtomicWriteOptions } from "./atomic.js";
export { loadSafetensors, loadStateDict, saveSafetensors, saveStateDict, type StateDict } from "./files.js";
export {
  CHECKPOINT_STATE_KEY,
  CHECKPOINT_VERSION_KEY,
  loadCheckpoint,
  saveCheckpoint,
  type Checkpoint,
  type CheckpointValue,
} from "./checkpoint.js";
