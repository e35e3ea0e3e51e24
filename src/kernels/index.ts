/**
 * Fast kernels for the hot loops of dense and convolution layers: a WebAssembly SIMD GEMM with
 * float64 accumulation (gemm.wat), its plain JavaScript twin, and the switch between them.
 */
export * from './backend.js';
export * from './conv-gemm.js';
export * from './dense-gemm.js';
export * from './gemm.js';
export * from './threads.js';
export * from './wasm-kernels.js';
