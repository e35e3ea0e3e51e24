/** The model zoo: architectures by name, and the models that ship trained. */
export * from './mlp.js';
export * from './shipped.js';
