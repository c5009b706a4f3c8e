/** The model optimizer: graph passes, quantization, pruning, float16 conversion. */
export const packageName = '@onnx-ts/optimizer';
