import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Heap } from '../src/runtime/heap.js';
import { activeThreads, configure } from '../src/index.js';
import cpu from '../src/index.js';

const PAGE = 65536;

test('Heap hands out aligned, disjoint blocks and reuses freed ones', () => {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 16 });
  const heap = new Heap(memory, 1024, 16 * PAGE);
  const a = heap.alloc(100);
  const b = heap.alloc(1);
  assert.is(a % 64, 0);
  assert.ok(b >= a + 100, 'blocks do not overlap');
  heap.release(a);
  assert.is(heap.alloc(64), a, 'a freed block is reused first');
  assert.is(heap.used, 128);
});

test('Heap merges neighbouring free blocks', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 });
  const heap = new Heap(memory, 0, 16 * PAGE);
  const blocks = [heap.alloc(1000), heap.alloc(1000), heap.alloc(1000)];
  heap.release(blocks[0]);
  heap.release(blocks[2]);
  heap.release(blocks[1]);
  assert.is(heap.used, 0);
  assert.is(heap.alloc(PAGE), 0, 'the whole page is one block again');
});

test('Heap grows the memory when nothing fits, and stops at its limit with a clear Error', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
  const heap = new Heap(memory, 0, 4 * PAGE);
  const at = heap.alloc(2 * PAGE);
  assert.ok(memory.buffer.byteLength >= 2 * PAGE);
  assert.is(at, 0);
  assert.throws(() => heap.alloc(4 * PAGE), /would exceed 262144 bytes/);
});

test('Heap rejects releasing an address it did not hand out', () => {
  const heap = new Heap(new WebAssembly.Memory({ initial: 1 }), 0, PAGE);
  assert.throws(() => heap.release(12), /not an allocated block/);
});

test('thread count: configure, session option, and clear errors for bad values', async () => {
  await configure({ threads: 2 });
  assert.is(activeThreads(), 2);
  await cpu.init?.({ intraOpNumThreads: 1 });
  assert.is(activeThreads(), 1);
  const failure = async (p: Promise<unknown> | unknown): Promise<string> => {
    try {
      await p;
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.match(await failure(cpu.init?.({ intraOpNumThreads: -1 })), /intraOpNumThreads must be a non-negative integer, got -1/);
  assert.match(await failure(configure({ threads: 0 })), /thread count must be a positive integer, got 0/);
});

test.run();
