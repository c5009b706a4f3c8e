import { cosineWindowKernel } from './cosine-window.js';

export default [cosineWindowKernel('HannWindow', [0.5, 0.5])];
