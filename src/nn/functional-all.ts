// nn.functional as one namespace: the stateless layer functions and the losses.
export * from "./functional.js";
export * from "./loss.js";
