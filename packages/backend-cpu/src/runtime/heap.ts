/**
 * First-fit allocator over the WebAssembly memory: blocks are 64-byte aligned, freed blocks merge with their free
 * neighbours, and the memory grows when no free block fits. Kernels allocate their buffers per call and free them on
 * return, so a steady stream of runs reuses the same blocks; packed weights stay until their sessions are released.
 */
const ALIGN = 64;
const PAGE = 65536;

export class Heap {
  /** Free blocks sorted by address. */
  private free: { at: number; size: number }[] = [];
  private readonly sizes = new Map<number, number>();

  constructor(private readonly memory: WebAssembly.Memory, start: number, private readonly maxBytes: number) {
    this.free.push({ at: start, size: memory.buffer.byteLength - start });
  }

  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let i = this.free.findIndex((b) => b.size >= size);
    if (i < 0) i = this.grow(size);
    const block = this.free[i];
    const at = block.at;
    if (block.size === size) this.free.splice(i, 1);
    else {
      block.at += size;
      block.size -= size;
    }
    this.sizes.set(at, size);
    return at;
  }

  release(at: number): void {
    const size = this.sizes.get(at);
    if (size === undefined) throw new Error(`backend-cpu heap: release of ${at}, which is not an allocated block`);
    this.sizes.delete(at);
    let i = 0;
    while (i < this.free.length && this.free[i].at < at) i++;
    this.free.splice(i, 0, { at, size });
    const next = this.free[i + 1];
    if (next && at + size === next.at) {
      this.free[i].size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.at + prev.size === at) {
      prev.size += this.free[i].size;
      this.free.splice(i, 1);
    }
  }

  /** Bytes currently allocated. */
  get used(): number {
    let n = 0;
    for (const s of this.sizes.values()) n += s;
    return n;
  }

  /** Grows the memory so the last free block (extended) holds `size` bytes; returns its index. */
  private grow(size: number): number {
    const end = this.memory.buffer.byteLength;
    const last = this.free[this.free.length - 1];
    const tail = last && last.at + last.size === end ? last : undefined;
    const missing = size - (tail?.size ?? 0);
    // Grow by at least an eighth of the current size so repeated small growths stay rare.
    const pages = Math.max(Math.ceil(missing / PAGE), Math.ceil(end / PAGE / 8));
    if (end + pages * PAGE > this.maxBytes) {
      throw new Error(`backend-cpu: WebAssembly memory would exceed ${this.maxBytes} bytes (needs ${size} more bytes, ${this.used} in use)`);
    }
    this.memory.grow(pages);
    if (tail) tail.size += pages * PAGE;
    else this.free.push({ at: end, size: pages * PAGE });
    return this.free.length - 1;
  }
}
