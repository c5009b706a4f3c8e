import { cosineWindowKernel } from './cosine-window.js';

/** The Hamming coefficients 25/46 and 21/46 (not the rounded 0.54 / 0.46). */
export default [cosineWindowKernel('HammingWindow', [25 / 46, 21 / 46])];
