// Development entry of the worker when the runner itself runs from TypeScript source: workers do not inherit the
// parent's --import hooks, so register tsx here first.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
