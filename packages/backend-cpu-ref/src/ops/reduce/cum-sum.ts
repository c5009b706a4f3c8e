import { cumulativeKernels } from './cumulative.js';

export default cumulativeKernels('CumSum', 11, 'add');
