/**
 * provlrp/nn: the networks provlrp explains (model graph, forward kernels, ONNX import, LRP rules).
 */
export {};
