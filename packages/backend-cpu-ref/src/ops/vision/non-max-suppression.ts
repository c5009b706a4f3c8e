/**
 * NonMaxSuppression (opsets 10, 11): per batch and class, greedily keeps the highest-scoring boxes whose IoU with
 * every box already kept is at most iou_threshold. Output rows are (batch, class, box index), int64.
 */
import { Tensor, attr, defineKernel } from '@onnx-ts/core';
import { expectRank, optionalInput, tensorInput } from './inputs.js';
import { integerValues, numericValues } from './numeric.js';

const OP = 'NonMaxSuppression';

/** Writes the corners (y1, x1, y2, x2, ordered low to high) of every box into `out`. */
function corners(boxes: Float64Array, centerPointBox: boolean): Float64Array {
  const out = new Float64Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    let y1: number, x1: number, y2: number, x2: number;
    if (centerPointBox) {
      const [xc, yc, w, h] = [boxes[i], boxes[i + 1], boxes[i + 2], boxes[i + 3]];
      x1 = xc - w / 2; x2 = xc + w / 2; y1 = yc - h / 2; y2 = yc + h / 2;
    } else {
      [y1, x1, y2, x2] = [boxes[i], boxes[i + 1], boxes[i + 2], boxes[i + 3]];
    }
    out[i] = Math.min(y1, y2); out[i + 1] = Math.min(x1, x2);
    out[i + 2] = Math.max(y1, y2); out[i + 3] = Math.max(x1, x2);
  }
  return out;
}

function iou(c: Float64Array, a: number, b: number): number {
  const areaA = (c[a + 2] - c[a]) * (c[a + 3] - c[a + 1]);
  const areaB = (c[b + 2] - c[b]) * (c[b + 3] - c[b + 1]);
  if (areaA <= 0 || areaB <= 0) return 0;
  const h = Math.max(0, Math.min(c[a + 2], c[b + 2]) - Math.max(c[a], c[b]));
  const w = Math.max(0, Math.min(c[a + 3], c[b + 3]) - Math.max(c[a + 1], c[b + 1]));
  const inter = h * w;
  const union = areaA + areaB - inter;
  return union > 0 ? inter / union : 0;
}

function scalarInput(name: string, t: Tensor | undefined, fallback: number, integer: boolean): number {
  if (!t) return fallback;
  if (t.size !== 1) throw new Error(`${OP}: ${name} must hold one value, got shape [${t.dims.join(', ')}]`);
  return integer ? integerValues(OP, name, t)[0] : numericValues(OP, name, t)[0];
}

export default [
  defineKernel({
    op: OP, since: 10,
    attrs: { center_point_box: attr.int(0) },
    run: ([boxesIn, scoresIn, maxIn, iouIn, scoreIn], { center_point_box }) => {
      const boxesT = tensorInput(OP, boxesIn, 'boxes');
      const scoresT = tensorInput(OP, scoresIn, 'scores');
      expectRank(OP, boxesT, 'boxes', 3);
      expectRank(OP, scoresT, 'scores', 3);
      const [B, S, four] = boxesT.dims;
      const C = scoresT.dims[1];
      if (four !== 4) throw new Error(`${OP}: boxes must have shape [batch, boxes, 4], got [${boxesT.dims.join(', ')}]`);
      if (scoresT.dims[0] !== B || scoresT.dims[2] !== S) {
        throw new Error(`${OP}: scores must have shape [${B}, classes, ${S}] to match boxes, got [${scoresT.dims.join(', ')}]`);
      }
      const maxPerClass = scalarInput('max_output_boxes_per_class', optionalInput(OP, maxIn, 'max_output_boxes_per_class'), 0, true);
      const iouThreshold = scalarInput('iou_threshold', optionalInput(OP, iouIn, 'iou_threshold'), 0, false);
      const scoreThresholdT = optionalInput(OP, scoreIn, 'score_threshold');
      const scoreThreshold = scalarInput('score_threshold', scoreThresholdT, -Infinity, false);
      if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new Error(`${OP}: iou_threshold must be in [0, 1], got ${iouThreshold}`);
      const boxes = corners(numericValues(OP, 'boxes', boxesT), center_point_box !== 0);
      const scores = numericValues(OP, 'scores', scoresT);
      const selected: number[] = [];
      const order = new Int32Array(S);
      const kept = new Int32Array(S);
      for (let b = 0; b < B && maxPerClass > 0; b++) {
        for (let c = 0; c < C; c++) {
          const base = (b * C + c) * S;
          let candidates = 0;
          for (let i = 0; i < S; i++) {
            // Boxes scoring at or below the threshold are dropped before suppression.
            if (!scoreThresholdT || scores[base + i] > scoreThreshold) order[candidates++] = i;
          }
          const sorted = order.subarray(0, candidates).sort((i, j) => scores[base + j] - scores[base + i] || i - j);
          let keptCount = 0;
          for (let k = 0; k < sorted.length && keptCount < maxPerClass; k++) {
            const i = sorted[k];
            let suppressed = false;
            for (let s = 0; s < keptCount && !suppressed; s++) suppressed = iou(boxes, (b * S + i) * 4, (b * S + kept[s]) * 4) > iouThreshold;
            if (suppressed) continue;
            kept[keptCount++] = i;
            selected.push(b, c, i);
          }
        }
      }
      return [new Tensor('int64', BigInt64Array.from(selected, BigInt), [selected.length / 3, 3])];
    },
  }),
];
