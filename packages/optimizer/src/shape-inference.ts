/**
 * Shape inference for the optimizer: core's engine, with the default domain's shape functions (registered by the
 * reference backend) and those of the fused ops this package introduces.
 */
import '@onnx-ts/backend-cpu-ref';
import { registerShapeFunctions, shapeFunctionFor, type ShapeFunction } from '@onnx-ts/core';

export { broadcastDims, inferFacts, isStatic, staticSize, typeFacts } from '@onnx-ts/core';
export type { FactMap, ValueFacts } from '@onnx-ts/core';

/** A fused op has the shape of the op it fuses: the activation applied after it is elementwise. */
const FUSED_BASE_OPS: Record<string, string> = { FusedConv: 'Conv', FusedGemm: 'Gemm', FusedMatMul: 'MatMul' };
const fusedShapes: Record<string, ShapeFunction> = {};
for (const [fused, base] of Object.entries(FUSED_BASE_OPS)) {
  const fn = shapeFunctionFor('ai.onnx', base);
  if (fn) fusedShapes[fused] = fn;
}
// The literal, not FUSED_DOMAIN: passes/fusion.ts imports this module, and a cycle would leave that constant undefined here.
registerShapeFunctions('com.onnx-ts', fusedShapes);
