import { attr, defineKernel } from '@onnx-ts/core';
import {
  FEATURE_DTYPES, ML_DOMAIN, argMax, classLabels, featureRows, float32Tensor, labelTensor, tensorInput,
} from './common.js';
import { applyPostTransform, logistic, parsePostTransform } from './post-transform.js';
import { svmKernel } from './svm-kernel.js';

const OP = 'SVMClassifier';

/**
 * Class probabilities from pairwise ones (r[i][j]: P(i | i or j)) by the coupling method of Wu, Lin and Weng (2004),
 * as libsvm computes them.
 */
function coupleProbabilities(k: number, r: Float64Array): Float64Array {
  const q = new Float64Array(k * k);
  for (let t = 0; t < k; t++) {
    for (let j = 0; j < k; j++) {
      if (j === t) continue;
      q[t * k + t] += r[j * k + t] ** 2;
      q[t * k + j] = -r[j * k + t] * r[t * k + j];
    }
  }
  const p = new Float64Array(k).fill(1 / k);
  const qp = new Float64Array(k);
  const eps = 0.005 / k;
  for (let iter = 0; iter < Math.max(100, k); iter++) {
    let pqp = 0;
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += q[t * k + j] * p[j];
      qp[t] = s;
      pqp += p[t] * s;
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) maxError = Math.max(maxError, Math.abs(qp[t] - pqp));
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (pqp - qp[t]) / q[t * k + t];
      p[t] += diff;
      pqp = (pqp + diff * (diff * q[t * k + t] + 2 * qp[t])) / (1 + diff) ** 2;
      for (let j = 0; j < k; j++) {
        p[j] /= 1 + diff;
        qp[j] = (qp[j] + diff * q[t * k + j]) / (1 + diff);
      }
    }
  }
  return p;
}

/**
 * Support-vector classification. With vectors_per_class set, one-vs-one: each pair (i, j) of classes has the
 * decision value rho[pair] + Σ coef·K(x, sv) over both classes' vectors and votes for i when positive; prob_a/prob_b
 * turn the decision values into coupled class probabilities. Without support vectors it is the linear model
 * score[c] = x·coefficients[c] + rho[0]. The label is the class with most votes (or the best score); a two-class
 * linear model with non-negative coefficients reads its scores as probabilities and picks the second class once the
 * best score reaches 0.5 (as onnxruntime and the ONNX reference do). The single decision value of a two-class SVC
 * becomes the score pair [-s, s]. The post transform then applies to each row of scores.
 */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: FEATURE_DTYPES,
    attrs: {
      classlabels_ints: attr.ints(),
      classlabels_strings: attr.strings(),
      coefficients: attr.floats([]),
      kernel_params: attr.floats([]),
      kernel_type: attr.string('LINEAR'),
      post_transform: attr.string('NONE'),
      prob_a: attr.floats([]),
      prob_b: attr.floats([]),
      rho: attr.floats([]),
      support_vectors: attr.floats([]),
      vectors_per_class: attr.ints([]),
    },
    run: ([input], a) => {
      const x = featureRows(OP, tensorInput(OP, input));
      const labels = classLabels(OP, a.classlabels_ints, a.classlabels_strings, ['classlabels_ints', 'classlabels_strings']);
      const transform = parsePostTransform(OP, a.post_transform);
      const classes = Math.max(labels.values.length, 1);
      const start: number[] = [];
      let vectorCount = 0;
      for (const count of a.vectors_per_class) {
        start.push(vectorCount);
        vectorCount += count;
      }
      const svc = vectorCount > 0;
      const pairs = (classes * (classes - 1)) / 2;
      const check = (name: string, length: number, expected: number) => {
        if (length !== expected) throw new Error(`${OP}: ${name} has ${length} values, expected ${expected}`);
      };
      if (svc) {
        check('vectors_per_class', a.vectors_per_class.length, classes);
        check('support_vectors', a.support_vectors.length, vectorCount * x.cols);
        check('coefficients', a.coefficients.length, (classes - 1) * vectorCount);
        check('rho', a.rho.length, pairs);
      } else {
        check('coefficients', a.coefficients.length, classes * x.cols);
        if (a.rho.length === 0) throw new Error(`${OP}: rho is missing`);
      }
      const probabilities = svc && a.prob_a.length > 0;
      if (probabilities) {
        check('prob_a', a.prob_a.length, pairs);
        check('prob_b', a.prob_b.length, pairs);
      }
      const kernel = svmKernel(OP, svc ? a.kernel_type : 'LINEAR', a.kernel_params);
      const allPositive = a.coefficients.every((c) => c >= 0);

      const pairScores = svc && !probabilities && pairs === 1;
      const cols = pairScores ? 2 : svc && !probabilities ? pairs : classes;
      const z = new Float64Array(x.rows * cols);
      const picks = new Int32Array(x.rows);
      const k = new Float64Array(vectorCount);
      const votes = new Float64Array(classes);
      const decisions = new Float64Array(pairs);
      for (let n = 0; n < x.rows; n++) {
        const xo = n * x.cols;
        const row = z.subarray(n * cols, (n + 1) * cols);
        if (svc) {
          for (let v = 0; v < vectorCount; v++) k[v] = kernel(x.values, xo, a.support_vectors, v * x.cols, x.cols);
          votes.fill(0);
          let pair = 0;
          for (let i = 0; i < classes; i++) {
            for (let j = i + 1; j < classes; j++, pair++) {
              let s = a.rho[pair];
              for (let v = 0; v < a.vectors_per_class[i]; v++) s += a.coefficients[(j - 1) * vectorCount + start[i] + v] * k[start[i] + v];
              for (let v = 0; v < a.vectors_per_class[j]; v++) s += a.coefficients[i * vectorCount + start[j] + v] * k[start[j] + v];
              decisions[pair] = s;
              votes[s > 0 ? i : j]++;
            }
          }
          picks[n] = argMax(votes, 0, classes);
          if (probabilities) row.set(pairProbabilities(decisions, classes, a.prob_a, a.prob_b));
          else if (pairScores) row.set([-decisions[0], decisions[0]]);
          else row.set(decisions);
        } else {
          for (let c = 0; c < classes; c++) row[c] = a.rho[0] + kernel(x.values, xo, a.coefficients, c * x.cols, x.cols);
          const best = argMax(row, 0, classes);
          picks[n] = classes === 2 && allPositive && row[best] >= 0.5 ? 1 : best;
        }
      }
      applyPostTransform(transform, z, x.rows, cols);
      const y = labelTensor(labels, picks);
      return [y, float32Tensor(z, [x.rows, cols])];
    },
  }),
];

/** Pairwise decision values → pairwise probabilities (Platt scaling with prob_a/prob_b) → coupled class probabilities. */
function pairProbabilities(decisions: Float64Array, classes: number, probA: number[], probB: number[]): Float64Array {
  const r = new Float64Array(classes * classes);
  let pair = 0;
  for (let i = 0; i < classes; i++) {
    for (let j = i + 1; j < classes; j++, pair++) {
      const p = Math.min(Math.max(1 - logistic(decisions[pair] * probA[pair] + probB[pair]), 1e-7), 1 - 1e-7);
      r[i * classes + j] = p;
      r[j * classes + i] = 1 - p;
    }
  }
  return coupleProbabilities(classes, r);
}
