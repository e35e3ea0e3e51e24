/** The LRP rules, one file each. */
export * from './alpha-beta.js';
export * from './epsilon.js';
export * from './flat.js';
export * from './gamma.js';
export * from './pass.js';
export * from './z-box.js';
export * from './z-plus.js';
