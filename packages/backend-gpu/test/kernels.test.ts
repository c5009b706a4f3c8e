// The GPU kernel list: every spec sits inside one reference spec's opset range (cpu-ref's, or the optimizer's for the
// fused com.onnx-ts ops) and declares exactly its attributes, so a node the GPU hands back to the reference is read
// the same way; and no op version is registered twice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeDomain } from '@onnx-ts/core';
import { kernels as cpuRefKernels } from '@onnx-ts/backend-cpu-ref';
import { fusedKernels } from '@onnx-ts/optimizer';
import { kernels } from '../src/kernels.js';

const reference = [...cpuRefKernels, ...fusedKernels];

const describeAttrs = (spec: { attrs?: Record<string, { kind: string; default?: unknown; required?: boolean }> }): string =>
  JSON.stringify(Object.entries(spec.attrs ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, d]) => [name, d.kind, d.default ?? null, d.required ?? false]));

test('each GPU kernel mirrors a reference kernel: opset range and attribute schema', () => {
  for (const k of kernels) {
    const candidates = reference.filter((r) => r.op === k.op && normalizeDomain(r.domain) === normalizeDomain(k.domain));
    const covering = candidates.find((r) => r.since <= k.since && (r.until === undefined || (k.until !== undefined && k.until <= r.until)));
    assert.ok(covering, `${k.op} ${k.since}-${k.until ?? ''}: no reference spec covers this range`);
    assert.is(describeAttrs(k), describeAttrs(covering!), `${k.op} ${k.since}: attributes differ from the reference's`);
  }
});

test('no op version is registered twice', () => {
  for (const k of kernels) {
    const overlapping = kernels.filter((o) => o !== k && o.op === k.op && normalizeDomain(o.domain) === normalizeDomain(k.domain)
      && o.since <= (k.until ?? Infinity) && k.since <= (o.until ?? Infinity));
    assert.is(overlapping.length, 0, `${k.op} ${k.since}: overlaps another spec`);
  }
});

test.run();
