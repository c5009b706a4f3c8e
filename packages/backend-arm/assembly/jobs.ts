// Parallel jobs (run by backend-cpu's worker-thread pool on this module's shared memory): every thread calls the
// export with the job block and claims tiles from its atomic counter, so one thread or many run the same code.
import { gemmI16, gemmI8 } from './gemm-int';

/** An integer GEMM split into tiles of rowsPerTile rows × panelsPerTile panels; fields are 4 bytes each. */
@unmanaged
class GemmJob {
  counter: i32;
  tiles: i32;
  tilesM: i32;
  rowsPerTile: i32; // a multiple of 4
  panelsPerTile: i32;
  relaxed: i32; // 0: gemmI16, 1: gemmI8
  a: usize;
  lda: i32;
  b: usize;
  kPad: i32;
  c: usize;
  ldc: i32;
  m: i32;
  nPanels: i32;
  kc: i32;
  ncPanels: i32;
  shift: i32;
  accumulate: i32;
}

export function gemmJob(job: GemmJob, tid: i32): void {
  // Bytes per panel: kPad/2 steps of 32 bytes (i16), kPad/4 steps of 32 bytes (i8).
  const panelBytes = <usize>job.kPad * (job.relaxed ? 8 : 16);
  while (true) {
    const t = atomic.add<i32>(changetype<usize>(job), 1);
    if (t >= job.tiles) break;
    const tn = t / job.tilesM;
    const i0 = (t - tn * job.tilesM) * job.rowsPerTile;
    const j0 = tn * job.panelsPerTile;
    const rows = min(job.rowsPerTile, job.m - i0);
    const panels = min(job.panelsPerTile, job.nPanels - j0);
    const a = job.a + <usize>i0 * job.lda;
    const b = job.b + <usize>j0 * panelBytes;
    const c = job.c + <usize>i0 * job.ldc + (<usize>j0 << 5);
    if (job.relaxed) gemmI8(a, job.lda, b, job.kPad, c, job.ldc, rows, panels, job.kc, job.ncPanels, job.shift, job.accumulate != 0);
    else gemmI16(a, job.lda, b, job.kPad, c, job.ldc, rows, panels, job.kc, job.ncPanels);
  }
}
