/**
 * The model builder: layer factories named as PyTorch's modules, `sequential` for chains and
 * `graph` for branching models, with PyTorch's default initialisation from a seeded generator.
 */
export * from './graph-builder.js';
export * from './init.js';
export type { Layer, LayerContext, ParamValues } from './layer.js';
export * from './parametric-layers.js';
export * from './pool-layers.js';
export * from './sequential.js';
export * from './structural-layers.js';
