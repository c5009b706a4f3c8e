/**
 * What InferenceSession runs before planning once this package is imported: the optimizer at the session's
 * graphOptimizationLevel, with com.onnx-ts fusions only under `allowCustomOps` and only for fused ops one of the
 * session's backends can run.
 */
import { getBackend, kernelsFor, listBackends, type Model, type SessionOptions } from '@onnx-ts/core';
import { optimize } from './optimize.js';
import { FUSED_DOMAIN } from './passes/fusion.js';
import type { OptimizationLevel } from './passes/pass.js';

/** Whether a backend the session may place nodes on has a kernel for a com.onnx-ts op. */
function sessionCanRun(opType: string, options: SessionOptions): boolean {
  const names = options.executionProviders
    ? [...options.executionProviders.map((p) => (typeof p === 'string' ? p : p.name)), 'cpu-ref']
    : listBackends().map((b) => b.name);
  return names.some((name) => {
    const backend = getBackend(name);
    return !!backend && kernelsFor(backend, FUSED_DOMAIN, opType, 1).length > 0;
  });
}

export function sessionOptimizer(model: Model, level: OptimizationLevel, options: SessionOptions): Model {
  try {
    return optimize(model, {
      level,
      allowCustom: options.allowCustomOps === true,
      customOpAvailable: (op) => sessionCanRun(op, options),
    });
  } catch (e) {
    // The session then reports the model's own problem (or runs it unoptimized) rather than failing here.
    if ((options.logSeverityLevel ?? 2) <= 2) console.warn(`[onnx-ts] graph optimization skipped: ${(e as Error).message}`);
    return model;
  }
}
