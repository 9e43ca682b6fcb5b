// nabla/nn: modules, layers, initialisation, functional forms and losses (`import * as nn from "nabla/nn"`).
export {
  Module,
  Parameter,
  keyName,
  type ForwardHook,
  type ForwardPreHook,
  type HookHandle,
  type LoadResult,
} from "./module.js";
export * from "./layers.js";
export * from "./activations.js";
export * from "./containers.js";
export * from "./norm.js";
export * from "./conv.js";
export * from "./attention.js";
export * from "./transformer.js";
export * from "./positional.js";
export * from "./loss-modules.js";
export * as init from "./init.js";
export * as functional from "./functional-all.js";
export * from "./lora.js";
export * from "./moe.js";
