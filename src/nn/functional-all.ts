// nn.functional as one namespace (`const F = nn.functional`): the stateless layer functions, the
// losses, attention, and the tensor functions PyTorch users look for under F.
export * from "./functional.js";
export * from "./loss.js";
export { scaledDotProductAttention } from "./attention.js";
export {
  relu, relu6, leakyRelu, elu, selu, celu, gelu, silu, mish, softplus, softsign, tanhshrink, hardtanh,
  hardsigmoid, hardswish, softshrink, hardshrink, logSigmoid, threshold, sigmoid, tanh, softmax,
  logSoftmax, embedding, oneHot, pad, conv1d, conv2d, maxPool1d, maxPool2d, avgPool1d, avgPool2d,
  adaptiveAvgPool1d, adaptiveAvgPool2d,
} from "../index.js"; // prettier-ignore
