/** Number and table formatting for terminal and Markdown output. */

/** A short, readable rendering: integers as is, other numbers to 4 significant digits. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e7) return String(x);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) return x.toExponential(3).replace(/\.?0+e/, 'e');
  return x.toPrecision(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** Milliseconds with a precision that suits their size. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  for (const unit of ['B', 'KiB', 'MiB', 'GiB']) {
    if (v < 1024 || unit === 'GiB') return `${sign}${unit === 'B' ? v : v.toFixed(1)} ${unit}`;
    v /= 1024;
  }
  return `${bytes} B`;
}

export function formatDims(dims: readonly (number | string | null)[] | undefined): string {
  return dims ? `[${dims.map((d) => d ?? '?').join(', ')}]` : '(unknown shape)';
}

/** Columns padded to their widest cell; columns listed in `right` are right-aligned. */
export function textTable(headers: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string => cells
    .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
    .join('  ')
    .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function markdownTable(headers: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const escape = (s: string): string => s.replace(/\|/g, '\\|');
  const rule = headers.map((_, c) => (right.has(c) ? '---:' : '---'));
  return [headers, rule, ...rows].map((r) => `| ${r.map(escape).join(' | ')} |`).join('\n');
}
