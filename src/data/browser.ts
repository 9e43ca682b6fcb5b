// nabla/data for browsers: datasets, the DataLoader, collation, synthetic sets and transforms,
// without the file readers (IDX, Fashion-MNIST) that need node:fs.
export { type Collated, defaultCollate } from "./collate.js";
export { type BatchReader, type Dataset, randomSplit, Subset, TensorDataset } from "./dataset.js";
export { DataLoader, type DataLoaderOptions } from "./dataloader.js";
export {
  makeBlobs,
  makeCircles,
  makeMoons,
  makeSpirals,
  makeXor,
  type Synthetic2D,
  type SyntheticOptions,
} from "./synthetic.js";
export { compose, normalize, oneHot, type Transform } from "./transforms.js";
