/**
 * The table of alternatives: for an ONNX op the importer does not translate, the nearest one it
 * does (or what to do at export), named by `UnsupportedOpError`. Beside the op table (index.ts),
 * which owns the supported op names.
 */
/** Keys are ONNX op types of the default domain. */
export const ONNX_ALTERNATIVES: Readonly<Record<string, string>> = {
  LSTM: 'none for recurrences; unroll the cell into Gemm, Sigmoid, Tanh and Mul, or use attention written with MatMul, Softmax and LayerNormalization',
  GRU: 'none for recurrences; unroll the cell into Gemm, Sigmoid, Tanh and Mul',
  RNN: 'none for recurrences; unroll the cell into Gemm and Tanh',
  Erf: 'Gelu (the exact GELU subgraph Div, Erf, Add, Mul, Mul is fused into one)',
  Pow: 'LayerNormalization (the decomposed LayerNorm with Pow is fused), Mul for a square',
  Sqrt: 'LayerNormalization (the decomposed LayerNorm with Sqrt is fused)',
  PRelu: 'LeakyRelu (one fixed slope)',
  Mish: 'Swish (SiLU, Mul(x, Sigmoid(x))) or Softplus and Tanh',
  Softsign: 'Tanh',
  ThresholdedRelu: 'Relu',
  Celu: 'Elu',
  Hardmax: 'Softmax',
  LogSoftmax: 'Softmax, or LogSoftmax as the last node (stripped: the logits are explained)',
  InstanceNormalization: 'LayerNormalization (over trailing axes) or BatchNormalization',
  GroupNormalization: 'LayerNormalization (over trailing axes)',
  LpNormalization: 'LayerNormalization',
  ReduceSum: 'ReduceMean (a sum is a mean times a Mul by a constant)',
  ReduceMax: 'MaxPool (a window over the whole axis)',
  GlobalMaxPool: 'MaxPool with the input size as its kernel',
  GlobalLpPool: 'GlobalAveragePool',
  ConvTranspose: 'none; Conv and the shape ops',
  Resize: 'none; Expand or Tile for integer nearest-neighbour upsampling',
  Upsample: 'none; Expand or Tile for integer nearest-neighbour upsampling',
  Einsum: 'MatMul (with Transpose and Reshape)',
  Attention: 'MatMul, Softmax and Transpose (export the attention unfused, with opset ≤ 22)',
  ScatterND: 'Concat, Slice and Gather',
  Range: 'a constant (export with do_constant_folding=True)',
  NonZero: 'none (a data-dependent shape)',
  TopK: 'none (a data-dependent selection)',
  Loop: 'none (unroll the loop at export)',
  If: 'none (export one branch)',
};

/** The alternative to an op, or '' when none is listed. */
export const alternativeTo = (op: string): string =>
  Object.hasOwn(ONNX_ALTERNATIVES, op) ? ONNX_ALTERNATIVES[op]! : '';
