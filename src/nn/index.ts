// nabla/nn: modules, layers, initialisation, functional forms and losses.
export { Module, Parameter, keyName, type ForwardHook, type ForwardPreHook } from "./module.js";
export * from "./layers.js";
export * from "./containers.js";
export * from "./norm.js";
export * from "./conv.js";
export * from "./attention.js";
export * from "./positional.js";
export * from "./loss-modules.js";
export * as init from "./init.js";
export * as functional from "./functional-all.js";
