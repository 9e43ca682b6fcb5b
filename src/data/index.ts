// nabla/data: datasets, the DataLoader, synthetic 2-D sets, transforms, and file readers (IDX,
// Fashion-MNIST). `import { DataLoader, TensorDataset } from "nabla/data"`.
export * from "./browser.js";
export {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  idxToTensor,
  parseIdx,
  readIdx,
  type IdxArray,
  type IdxDType,
  type IdxValues,
  type ParseIdxOptions,
} from "./idx.js";
export {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
  loadFashionMnist,
  type FashionMnist,
  type FashionMnistOptions,
} from "./fashion-mnist.js";
export { FileFormatError } from "../io/errors.js";
