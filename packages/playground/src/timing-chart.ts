/** SVG charts of a profiled run: one bar per node in execution order, and the total time of each op type. */
import type { ProfileEvent } from '@onnx-ts/core';
import { formatMs, formatNumber } from '@onnx-ts/cli/lib';

const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#5f9ed1'];
const OTHER_COLOR = '#bab0ac';

export interface OpTime {
  op: string;
  totalMs: number;
  count: number;
}

/** Time per op type over the main graph's nodes (a subgraph's time is inside its If/Loop/Scan node), largest first. */
export function timeByOp(events: readonly ProfileEvent[]): OpTime[] {
  const byOp = new Map<string, OpTime>();
  for (const e of events) {
    if (e.depth !== 0) continue;
    const entry = byOp.get(e.opType) ?? { op: e.opType, totalMs: 0, count: 0 };
    entry.totalMs += e.durationMs;
    entry.count++;
    byOp.set(e.opType, entry);
  }
  return [...byOp.values()].sort((a, b) => b.totalMs - a.totalMs);
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Colors for the op types that take the most time; the rest share one. */
function colorsByOp(ops: readonly OpTime[]): (op: string) => string {
  const colors = new Map(ops.slice(0, PALETTE.length).map((o, i) => [o.op, PALETTE[i]]));
  return (op) => colors.get(op) ?? OTHER_COLOR;
}

/** A round step for axis ticks: 1, 2 or 5 times a power of ten, about `count` ticks up to `max`. */
function tickStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

/** One bar per node of the main graph, in the order they ran; height is the node's time. */
export function nodeTimingChart(events: readonly ProfileEvent[], width = 960, height = 260): SVGSVGElement {
  const nodes = events.filter((e) => e.depth === 0);
  const ops = timeByOp(events);
  const color = colorsByOp(ops);
  const margin = { top: 12, right: 12, bottom: 34, left: 56 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const maxMs = Math.max(...nodes.map((e) => e.durationMs), 1e-3);
  const step = tickStep(maxMs, 4);
  const top = Math.ceil(maxMs / step) * step;
  const y = (ms: number): number => margin.top + plotHeight - (ms / top) * plotHeight;

  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'chart node-chart' });
  svg.append(el('title', {}, `Time per node, ${nodes.length} nodes in execution order`));
  for (let ms = 0; ms <= top + step / 2; ms += step) {
    svg.append(el('line', { x1: margin.left, x2: width - margin.right, y1: y(ms), y2: y(ms), class: 'grid' }));
    svg.append(el('text', { x: margin.left - 6, y: y(ms) + 4, 'text-anchor': 'end', class: 'tick' }, formatNumber(Number(ms.toPrecision(6)))));
  }
  const slot = plotWidth / Math.max(nodes.length, 1);
  const barWidth = Math.max(slot * 0.8, 1);
  nodes.forEach((e, i) => {
    const bar = el('rect', {
      x: margin.left + i * slot + (slot - barWidth) / 2, y: y(e.durationMs), width: barWidth,
      height: Math.max(margin.top + plotHeight - y(e.durationMs), 0.5), fill: color(e.opType), class: 'node-bar',
      'data-node': e.node, 'data-op': e.opType,
    });
    bar.append(el('title', {}, `#${i} ${e.opType} '${e.node || '(unnamed)'}' on ${e.backend}: ${formatMs(e.durationMs)} ms`));
    svg.append(bar);
  });
  svg.append(el('text', { x: margin.left + plotWidth / 2, y: height - 8, 'text-anchor': 'middle', class: 'axis-label' }, `nodes in execution order (${nodes.length})`));
  svg.append(el('text', { x: 14, y: margin.top + plotHeight / 2, transform: `rotate(-90 14 ${margin.top + plotHeight / 2})`, 'text-anchor': 'middle', class: 'axis-label' }, 'ms'));
  return svg;
}

/** Horizontal bars: total time of each op type, with its share of the run and its node count. */
export function opTimeChart(events: readonly ProfileEvent[], width = 960): SVGSVGElement {
  const ops = timeByOp(events);
  const color = colorsByOp(ops);
  const total = ops.reduce((s, o) => s + o.totalMs, 0) || 1;
  const rowHeight = 20;
  const labelWidth = 170;
  const valueWidth = 190;
  const height = ops.length * rowHeight + 8;
  const barSpace = width - labelWidth - valueWidth;
  const maxMs = ops[0]?.totalMs || 1;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'chart op-chart' });
  svg.append(el('title', {}, 'Time per op type'));
  ops.forEach((o, i) => {
    const yTop = 4 + i * rowHeight;
    svg.append(el('text', { x: labelWidth - 8, y: yTop + 14, 'text-anchor': 'end', class: 'label' }, o.op));
    const bar = el('rect', { x: labelWidth, y: yTop + 3, width: Math.max((o.totalMs / maxMs) * barSpace, 1), height: rowHeight - 6, fill: color(o.op), class: 'op-bar', 'data-op': o.op });
    svg.append(bar);
    const share = ((o.totalMs / total) * 100).toFixed(1);
    svg.append(el('text', { x: width - valueWidth + 8, y: yTop + 14, class: 'value' }, `${formatMs(o.totalMs)} ms · ${share}% · ${o.count} node${o.count > 1 ? 's' : ''}`));
  });
  return svg;
}
