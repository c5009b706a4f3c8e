/** The elementwise family: math, activations, comparisons, logic, bitwise ops, Where, Cast/CastLike/BitCast. */
import type { KernelSpec } from '@onnx-ts/core';
import abs from './abs.js';
import acos from './acos.js';
import acosh from './acosh.js';
import add from './add.js';
import and from './and.js';
import asin from './asin.js';
import asinh from './asinh.js';
import atan from './atan.js';
import atanh from './atanh.js';
import bitCast from './bit-cast.js';
import bitShift from './bit-shift.js';
import bitwiseAnd from './bitwise-and.js';
import bitwiseNot from './bitwise-not.js';
import bitwiseOr from './bitwise-or.js';
import bitwiseXor from './bitwise-xor.js';
import cast from './cast.js';
import castLike from './cast-like.js';
import ceil from './ceil.js';
import celu from './celu.js';
import clip from './clip.js';
import cos from './cos.js';
import cosh from './cosh.js';
import div from './div.js';
import elu from './elu.js';
import equal from './equal.js';
import erf from './erf.js';
import exp from './exp.js';
import floor from './floor.js';
import gelu from './gelu.js';
import greater from './greater.js';
import greaterOrEqual from './greater-or-equal.js';
import hardSigmoid from './hard-sigmoid.js';
import hardSwish from './hard-swish.js';
import isInf from './is-inf.js';
import isNan from './is-nan.js';
import leakyRelu from './leaky-relu.js';
import less from './less.js';
import lessOrEqual from './less-or-equal.js';
import log from './log.js';
import max from './max.js';
import mean from './mean.js';
import min from './min.js';
import mish from './mish.js';
import mod from './mod.js';
import mul from './mul.js';
import neg from './neg.js';
import not from './not.js';
import or from './or.js';
import pow from './pow.js';
import prelu from './prelu.js';
import reciprocal from './reciprocal.js';
import relu from './relu.js';
import round from './round.js';
import selu from './selu.js';
import shrink from './shrink.js';
import sigmoid from './sigmoid.js';
import sign from './sign.js';
import sin from './sin.js';
import sinh from './sinh.js';
import softplus from './softplus.js';
import softsign from './softsign.js';
import sqrt from './sqrt.js';
import sub from './sub.js';
import sum from './sum.js';
import swish from './swish.js';
import tan from './tan.js';
import tanh from './tanh.js';
import thresholdedRelu from './thresholded-relu.js';
import where from './where.js';
import xor from './xor.js';

export const kernels: KernelSpec<any>[] = [
  ...abs, ...acos, ...acosh, ...add, ...and, ...asin, ...asinh, ...atan, ...atanh, ...bitCast, ...bitShift,
  ...bitwiseAnd, ...bitwiseNot, ...bitwiseOr, ...bitwiseXor, ...cast, ...castLike, ...ceil, ...celu, ...clip, ...cos,
  ...cosh, ...div, ...elu, ...equal, ...erf, ...exp, ...floor, ...gelu, ...greater, ...greaterOrEqual,
  ...hardSigmoid, ...hardSwish, ...isInf, ...isNan, ...leakyRelu, ...less, ...lessOrEqual, ...log, ...max, ...mean,
  ...min, ...mish, ...mod, ...mul, ...neg, ...not, ...or, ...pow, ...prelu, ...reciprocal, ...relu, ...round,
  ...selu, ...shrink, ...sigmoid, ...sign, ...sin, ...sinh, ...softplus, ...softsign, ...sqrt, ...sub, ...sum,
  ...swish, ...tan, ...tanh, ...thresholdedRelu, ...where, ...xor,
];
