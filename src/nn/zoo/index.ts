/**
 * The model zoo: architectures by name (`mlp`, `cnn`, `vgg16`), parameters by PyTorch name, and
 * the models that ship trained.
 */
export * from './cnn.js';
export * from './mlp.js';
export * from './named-parameters.js';
export * from './shipped.js';
export * from './vgg16.js';
