import { argExtremeKernels } from './arg-extreme.js';

export default argExtremeKernels('ArgMax');
