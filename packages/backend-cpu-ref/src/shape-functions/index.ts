/**
 * Shape functions of the ops this package runs, by domain, registered with core's inference engine when this package
 * is imported: sessions use them to validate models, fill output metadata and plan memory at creation.
 */
import { registerShapeFunctions } from '@onnx-ts/core';
import { flexAttention } from './attention.js';
import { controlFlowShapes } from './control-flow.js';
import { einsum } from './einsum.js';
import { elementwiseShapes } from './elementwise.js';
import { mlShapes } from './ml.js';
import { nnShapes } from './nn.js';
import { reduceShapes } from './reduce.js';
import { resizeShapes } from './resize.js';
import { sequenceShapes } from './sequence.js';
import { signalShapes } from './signal.js';
import { tensorShapes } from './tensor.js';
import { textShapes } from './text.js';
import { trainingShapes } from './training.js';

registerShapeFunctions('ai.onnx', {
  ...elementwiseShapes, ...tensorShapes, ...reduceShapes, ...nnShapes, ...resizeShapes, ...controlFlowShapes, ...sequenceShapes, ...signalShapes, ...textShapes, Einsum: einsum,
});
registerShapeFunctions('ai.onnx.ml', mlShapes);
registerShapeFunctions('ai.onnx.preview', { FlexAttention: flexAttention });
registerShapeFunctions('ai.onnx.preview.training', trainingShapes);
