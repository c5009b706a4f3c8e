import { cosineWindowKernel } from './cosine-window.js';

export default [cosineWindowKernel('BlackmanWindow', [0.42, 0.5, 0.08])];
