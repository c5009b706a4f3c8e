import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, Tensor, buildModel, type Model } from '@onnx-ts/core';
import { assertValidModel, checkModel } from '../src/index.js';
import { smallCnn } from './helpers.js';

function errorsOf(model: Model, allowCustom = false): string {
  return checkModel(model, { allowCustom }).errors.join('\n');
}

test('a valid model passes', () => {
  assert.equal(checkModel(smallCnn()), { ok: true, errors: [] });
});

test('nodes out of order, undefined inputs and values defined twice', () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [2]);
  g.node('Relu', ['later'], {}, { outputs: ['a'] });
  g.node('Neg', ['x'], {}, { outputs: ['later'] });
  g.node('Abs', ['ghost'], {}, { outputs: ['b'] });
  g.node('Abs', ['x'], {}, { outputs: ['b'] });
  g.output('a', 'float32');
  g.output('never', 'float32');
  const e = errorsOf(buildModel(g.build()));
  assert.match(e, /Relu node .* reads 'later' before anything defines it/);
  assert.match(e, /reads 'ghost'/);
  assert.match(e, /value 'b' is defined twice/);
  assert.match(e, /output 'never' is never produced/);
});

test('missing opset imports, custom domain, IR version too low for int4', () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [2]);
  g.initializer('q', new Tensor('int4', new Int8Array([1, -2]), [2]));
  g.node('FusedConv', ['x'], {}, { outputs: ['a'], domain: 'com.onnx-ts' });
  g.node('Thing', ['x'], {}, { outputs: ['b'], domain: 'example.org' });
  g.output('a', 'float32');
  g.output('b', 'float32');
  const model = buildModel(g.build(), { 'ai.onnx': 21, 'com.onnx-ts': 1 }, 9);
  const e = errorsOf(model);
  assert.match(e, /com\.onnx-ts domain, which other runtimes cannot run/);
  assert.match(e, /domain 'example.org' but the model imports no opset/);
  assert.match(e, /IR version 9 cannot store the element types used \(needs 10\)/);
  assert.not.match(errorsOf(model, true), /com\.onnx-ts domain/);
});

test('type mismatches where inference knows the types', () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [2]);
  g.input('i', 'int64', [2]);
  g.node('Add', ['x', 'i'], {}, { outputs: ['y'] });
  g.node('Cast', ['x'], { to: 7 }, { outputs: ['z'] });
  g.output('y', 'float32');
  g.output('z', 'float32', [3]);
  const e = errorsOf(buildModel(g.build()));
  assert.match(e, /Add node .* mixes float32 \('x'\) and int64 \('i'\)/);
  assert.match(e, /'z' is declared float32 but computed as int64/);
  assert.match(e, /'z' is declared with dim 0 = 3 but computes 2/);
  assert.throws(() => assertValidModel(buildModel(g.build())), /invalid model:/);
});

test('subgraphs may read outer values but not undefined ones', () => {
  const body = new GraphBuilder('body');
  body.node('Add', ['outer', 'missing'], {}, { outputs: ['r'] });
  body.output('r', 'float32');
  const g = new GraphBuilder();
  g.input('outer', 'float32', [1]);
  g.input('cond', 'bool', []);
  g.node('If', ['cond'], { then_branch: body.build(), else_branch: body.build() }, { outputs: ['y'] });
  g.output('y', 'float32');
  const e = errorsOf(buildModel(g.build()));
  assert.match(e, /If node .*: Add node .* reads 'missing'/);
  assert.not.match(e, /reads 'outer'/);
});

test.run();
