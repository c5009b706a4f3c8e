import { allocData, isDType, slotsPerElement, storageMismatch, type DataTypeMap, type DType } from './dtype.js';

/** How a backend lets a device tensor be read and freed. */
export interface DeviceAccess<T extends DType> {
  download(): Promise<Tensor<T>>;
  dispose?(): void;
}

/** Where a tensor's data lives; backends with their own memory (GPU) add theirs. */
export type TensorLocation = 'cpu' | (string & {});

/** Product of dims; throws on a negative or non-integer dim. */
export function shapeSize(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`invalid dimension ${d} in shape [${dims.join(', ')}]`);
    n *= d;
  }
  return n;
}

/** A dense tensor. Mirrors onnxruntime-common's Tensor: `new Tensor(type, data, dims)`. */
export class Tensor<T extends DType = DType> {
  readonly type: T;
  readonly dims: readonly number[];
  readonly size: number;
  readonly location: TensorLocation;
  private cpuData: DataTypeMap[T] | undefined;
  /** Backend-owned handle for tensors that live off the CPU. */
  readonly handle: unknown;

  constructor(type: T, data: DataTypeMap[T] | readonly unknown[], dims?: readonly number[]) {
    if (!isDType(type)) throw new Error(`Tensor: unknown element type '${String(type)}'`);
    this.type = type;
    this.location = 'cpu';
    const stored = toStorage(type, data);
    const count = stored.length / slotsPerElement(type);
    const shape = dims ? [...dims] : [count];
    const size = shapeSize(shape);
    if (size !== count) {
      throw new Error(`Tensor: ${type} data holds ${count} elements but dims [${shape.join(', ')}] need ${size}`);
    }
    this.cpuData = stored;
    this.dims = Object.freeze(shape);
    this.size = size;
  }

  /** A tensor whose data a backend holds (for example in GPU memory), known by its handle. */
  static onDevice<T extends DType>(type: T, dims: readonly number[], location: TensorLocation, handle: unknown, access?: DeviceAccess<T>): Tensor<T> {
    const t = Object.create(Tensor.prototype) as Tensor<T>;
    Object.assign(t, { type, dims: Object.freeze([...dims]), size: shapeSize(dims), location, handle, cpuData: undefined, access });
    return t;
  }

  private access: DeviceAccess<T> | undefined;

  /** The data, downloaded first when the tensor lives on a device (onnxruntime's `getData`). */
  async getData(): Promise<DataTypeMap[T]> {
    if (this.cpuData !== undefined) return this.cpuData;
    if (!this.access) throw new Error(`Tensor: a tensor on '${this.location}' without a download function`);
    return (await this.access.download()).data;
  }

  /** Frees device memory; a CPU tensor just drops its data reference. */
  dispose(): void {
    this.access?.dispose?.();
    this.cpuData = undefined;
  }

  /** The CPU data; for a tensor held by a backend, download it first. */
  get data(): DataTypeMap[T] {
    if (this.cpuData === undefined) {
      throw new Error(`Tensor: data of a tensor on '${this.location}' is not on the CPU; download it through its backend`);
    }
    return this.cpuData;
  }

  /** A new tensor sharing the data with other dims (same element count). */
  reshape(dims: readonly number[]): Tensor<T> {
    return new Tensor(this.type, this.data, dims);
  }

  static zeros<T extends DType>(type: T, dims: readonly number[]): Tensor<T> {
    return new Tensor(type, allocData(type, shapeSize(dims)), dims);
  }
}

function toStorage<T extends DType>(type: T, data: DataTypeMap[T] | readonly unknown[]): DataTypeMap[T] {
  const mismatch = storageMismatch(type, data);
  if (!mismatch) return data as DataTypeMap[T];
  // Plain JS arrays are accepted and converted, as onnxruntime does.
  if (Array.isArray(data) && type !== 'string') {
    const out = allocData(type, data.length / slotsPerElement(type)) as unknown as { [i: number]: unknown; length: number };
    const big = type === 'int64' || type === 'uint64';
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      out[i] = big ? BigInt(v as number | bigint | boolean) : typeof v === 'boolean' ? Number(v) : v;
    }
    return out as unknown as DataTypeMap[T];
  }
  throw new Error(`Tensor: ${mismatch}`);
}

/** A sequence is an array of values; a map is a JS Map; an absent optional is null. */
export type MapKey = string | bigint | number;
export type Value = Tensor | Value[] | Map<MapKey, unknown> | null;

export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}

/** Human description of a value's kind for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'an empty optional';
  if (v instanceof Tensor) return `tensor(${v.type}) [${v.dims.join(', ')}]`;
  if (Array.isArray(v)) return `a sequence of ${v.length}`;
  if (v instanceof Map) return `a map of ${v.size}`;
  return typeof v;
}
