// nabla/micrograd: the scalar autograd engine, faithful to Karpathy's micrograd, with pictures.
// It imports nothing else of nabla, and nothing but the CLI and the playground imports it.

export { Value, topologicalOrder, type ValueOptions, type BackwardOptions } from "./engine.js";
export { Module, Neuron, Layer, MLP, type InitOptions, type NeuronOptions } from "./nn.js";
export { Rng } from "./random.js";
export { gradcheck, type GradcheckOptions, type GradcheckResult, type GradcheckInput } from "./gradcheck.js";
export { BackwardStepper, type BackwardStep, type StepContribution, type StepperOptions } from "./stepper.js";
export { drawGraph, drawGraphSvg, GraphDrawing, type DrawOptions } from "./draw.js";
export {
  parseExpression,
  evaluate,
  evaluateExpression,
  variablesOf,
  ExpressionError,
  FUNCTIONS,
  type Expr,
  type FunctionName,
} from "./parse.js";
export {
  makeMoons,
  moonsLoss,
  trainMoons,
  type Moons,
  type MoonsOptions,
  type MoonsResult,
  type MoonsStep,
} from "./moons.js";
