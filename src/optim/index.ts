// nabla/optim: optimizers, learning-rate schedules and gradient clipping.
export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamState } from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { Adam, AdamW, type AdamOptions } from "./adam.js";
export { Adagrad, Adadelta, RMSprop } from "./adaptive.js";
export * from "./lr-scheduler.js";
export * from "./clip.js";
