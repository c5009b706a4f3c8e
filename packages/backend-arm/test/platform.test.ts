/**
 * Where the tests run: prints the architecture, Node version and kernel build, and checks them against
 * ARM_EXPECT_ARCH / ARM_EXPECT_RELAXED when the arm64 proof (scripts/test-arm64.sh) sets them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configure, kernelInfo } from '../src/index.js';

test('platform and kernel build', () => {
  configure({ relaxedSimd: 'auto' });
  const info = kernelInfo();
  console.log(`  process.arch: ${process.arch}, Node ${process.version}, kernels: ${info.build}${info.dotMode ? ` (dot products: ${info.dotMode})` : ''}${info.relaxedSimdRejected ? ' (relaxed SIMD failed the self-test)' : ''}`);
  if (process.env.ARM_EXPECT_ARCH) assert.is(process.arch, process.env.ARM_EXPECT_ARCH);
  if (process.env.ARM_EXPECT_RELAXED === '1') assert.is(info.build, 'relaxed-simd', 'the relaxed-SIMD (SDOT) kernels should run here');
});

test.run();
