import { cumulativeKernels } from './cumulative.js';

export default cumulativeKernels('CumProd', 26, 'mul');
