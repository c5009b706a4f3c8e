/**
 * Shape functions of the default domain, registered with core's inference engine when this package is imported:
 * sessions use them to validate models, fill output metadata and plan memory at creation.
 */
import { registerShapeFunctions } from '@onnx-ts/core';
import { controlFlowShapes } from './control-flow.js';
import { elementwiseShapes } from './elementwise.js';
import { nnShapes } from './nn.js';
import { reduceShapes } from './reduce.js';
import { tensorShapes } from './tensor.js';

registerShapeFunctions('ai.onnx', { ...elementwiseShapes, ...tensorShapes, ...reduceShapes, ...nnShapes, ...controlFlowShapes });
