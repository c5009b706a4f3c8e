/** Every kernel of the GPU backend, gathered from its op families. */
import type { KernelSpec } from '@onnx-ts/core';
import { binaryKernels } from './ops/elementwise/binary.js';
import { castKernels } from './ops/elementwise/cast.js';
import { unaryKernels } from './ops/elementwise/unary.js';
import { fusedKernels } from './ops/fused.js';
import { matmulKernels } from './ops/matmul/matmul.js';
import { convKernels } from './ops/nn/conv.js';
import { normKernels } from './ops/nn/norm.js';
import { poolKernels } from './ops/nn/pool.js';
import { reduceKernels } from './ops/reduce/reduce.js';
import { softmaxKernels } from './ops/reduce/softmax.js';
import { gatherKernels } from './ops/tensor/gather.js';
import { metadataKernels } from './ops/tensor/metadata.js';
import { movementKernels } from './ops/tensor/movement.js';

export const kernels: readonly KernelSpec<any>[] = [
  ...unaryKernels, ...binaryKernels, ...castKernels, ...metadataKernels, ...movementKernels, ...gatherKernels, ...matmulKernels, ...convKernels,
  ...poolKernels, ...normKernels, ...softmaxKernels, ...reduceKernels, ...fusedKernels,
];
