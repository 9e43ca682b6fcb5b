// Ready-made classifiers for `nabla train`: an MLP over flat features and a small CNN for 28×28
// images (two conv–ReLU–pool stages and a two-layer head).
import * as nn from "../nn/index.js";

/** Linear–ReLU layers of the given widths, then a linear layer to `classes` logits. */
export function mlp(inFeatures: number, hidden: readonly number[], classes: number): nn.Sequential {
  const layers: nn.Module[] = [];
  let width = inFeatures;
  for (const h of hidden) {
    layers.push(new nn.Linear(width, h), new nn.ReLU());
    width = h;
  }
  layers.push(new nn.Linear(width, classes));
  return new nn.Sequential(...layers);
}

/** [N, 1, 28, 28] → conv 16 → pool → conv 32 → pool → 128 → classes. */
export function smallCnn(classes: number, channels = 1): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(channels, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 128),
    new nn.ReLU(),
    new nn.Linear(128, classes),
  );
}
