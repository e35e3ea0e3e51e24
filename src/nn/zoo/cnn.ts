/**
 * The shipped MNIST CNN, a small LeNet-like network for [1, 28, 28] images in [0, 1]:
 *
 *   conv 5×5, 1 → 8      [8, 24, 24]     '0'
 *   ReLU                                 '1'
 *   max-pool 2×2         [8, 12, 12]     '2'
 *   conv 5×5, 8 → 16     [16, 8, 8]      '3'
 *   ReLU                                 '4'
 *   max-pool 2×2         [16, 4, 4]      '5'
 *   flatten              [256]           '6'
 *   dense 256 → 64                       '7'
 *   ReLU                                 '8'
 *   dense 64 → 10        (the logits)    '9'
 *
 * Layers are named as PyTorch's `nn.Sequential(nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2), …)`
 * names its children, so an ONNX export of that module imports with the same layer names.
 * Convolutions are unpadded, stride 1; pooling windows do not overlap.
 */
import { conv2d, flatten, linear, maxPool2d, relu, sequential } from '../builder/index.js';
import type { Model } from '../graph.js';

/** Options of `cnn`. */
export interface CnnOptions {
  /** Seed of the default (PyTorch-style) initialisation; default 0. */
  readonly seed?: number;
}

/** The shipped CNN's architecture (see the file header) with freshly initialised parameters. */
export function cnn({ seed = 0 }: CnnOptions = {}): Model {
  return sequential(
    [1, 28, 28],
    [
      conv2d(1, 8, 5),
      relu(),
      maxPool2d(2),
      conv2d(8, 16, 5),
      relu(),
      maxPool2d(2),
      flatten(),
      linear(16 * 4 * 4, 64),
      relu(),
      linear(64, 10),
    ],
    { seed },
  );
}
