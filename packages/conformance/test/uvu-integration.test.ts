// The way a user runs the suite from their own uvu tests; here on a slice whose ops cpu-ref has.
import { join } from 'node:path';
import { findDataRoot } from '../src/cases.js';
import { registerConformanceTests } from '../src/uvu.js';

registerConformanceTests({ data: join(findDataRoot(), 'node'), filter: /^test_(abs|identity|relu|add_bcast|matmul_2d)$/ });
