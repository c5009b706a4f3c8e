/** Shape functions of elementwise ops: same shape as the input, or the broadcast of all inputs. */
import { attr, broadcastDims, dtypeFromCode, type DType, type Dim, type ShapeContext, type ShapeFunction, type ValueFacts } from '@onnx-ts/core';
import { each, same, sameShapeAs } from './common.js';

const UNARY = [
  'Relu', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Softplus', 'Softsign',
  'Gelu', 'Mish', 'ThresholdedRelu', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round',
  'Sign', 'Erf', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Clip',
  'Shrink', 'Swish', 'PRelu', 'BitwiseNot',
];
const BROADCAST_SAME = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'Max', 'Min', 'Sum', 'Mean', 'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor'];
const BROADCAST_BOOL = ['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor'];
const TRACKED_ARITHMETIC = ['Add', 'Sub', 'Mul', 'Div'];

/** Arithmetic on tracked shape values, entry by entry (a scalar or one-entry side repeats). */
function valueArithmetic(op: string, a: Dim[] | undefined, b: Dim[] | undefined): Dim[] | undefined {
  if (!a || !b) return undefined;
  const n = Math.max(a.length, b.length);
  if ((a.length !== n && a.length !== 1) || (b.length !== n && b.length !== 1)) return undefined;
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length === 1 ? 0 : i];
    const y = b[b.length === 1 ? 0 : i];
    if (typeof x !== 'number' || typeof y !== 'number') {
      out.push(op === 'Mul' && (x === 1 || y === 1) ? (x === 1 ? y : x) : null);
      continue;
    }
    switch (op) {
      case 'Add': out.push(x + y); break;
      case 'Sub': out.push(x - y); break;
      case 'Mul': out.push(x * y); break;
      case 'Div': out.push(y === 0 ? null : Math.trunc(x / y)); break;
      default: return undefined;
    }
  }
  return out;
}

function broadcastOp(type: (c: ShapeContext) => DType | undefined): ShapeFunction {
  return (c) => {
    const shapes = c.node.inputs.map((_, i) => c.input(i).shape);
    const out: ValueFacts = { type: type(c), shape: broadcastDims(shapes) };
    if (c.node.inputs.length === 2 && TRACKED_ARITHMETIC.includes(c.node.opType)) {
      const value = valueArithmetic(c.node.opType, c.input(0).value, c.input(1).value);
      if (value && out.shape && out.shape.length <= 1) out.value = value;
    }
    return [out];
  };
}

const isIntegral = (t: DType | undefined): boolean => t === 'int64' || t === 'int32';

export const elementwiseShapes: Record<string, ShapeFunction> = {
  ...each(UNARY, same),
  ...each(BROADCAST_SAME, broadcastOp((c) => c.input(0).type)),
  ...each(BROADCAST_BOOL, broadcastOp(() => 'bool')),
  ...each(['Not', 'IsNaN', 'IsInf'], sameShapeAs('bool')),
  Where: (c) => [{ type: c.input(1).type ?? c.input(2).type, shape: broadcastDims([0, 1, 2].map((i) => c.input(i).shape)) }],
  Cast: (c) => {
    const type = dtypeFromCode(c.attrs({ to: attr.int.required() }).to);
    const x = c.input(0);
    return [{ type, shape: x.shape, value: isIntegral(type) && isIntegral(x.type) ? x.value : undefined }];
  },
  BitCast: (c) => [{ type: dtypeFromCode(c.attrs({ to: attr.int.required() }).to), shape: c.input(0).shape }],
  CastLike: (c) => [{ type: c.input(1).type, shape: c.input(0).shape }],
  ...each(['Bernoulli', 'RandomUniformLike', 'RandomNormalLike'], (c) => {
    const { dtype } = c.attrs({ dtype: attr.int() });
    return [{ type: dtype === undefined ? c.input(0).type : dtypeFromCode(dtype), shape: c.input(0).shape }];
  }),
};
