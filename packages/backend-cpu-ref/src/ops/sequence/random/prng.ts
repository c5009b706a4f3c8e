/**
 * The generator of the random ops: MT19937 seeded like numpy's legacy RandomState(seed) (init_genrand with the seed),
 * drawing uniforms with 53 bits from two words and normals by the polar method with a cached spare, so that an op
 * with an integer seed in [0, 2^32) draws what `numpy.random.RandomState(seed)` draws. Unseeded ops seed from
 * Math.random. Ops whose ONNX test data came from numpy's unseeded global generator still cannot be matched.
 */
export class Random {
  private readonly mt = new Uint32Array(624);
  private index = 624;
  private spareNormal: number | undefined;

  constructor(seed?: number) {
    const s = seed === undefined ? Math.floor(Math.random() * 2 ** 32) : Math.trunc(seed);
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev + i in 32-bit arithmetic, split to stay exact.
      mt[i] = (((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i) >>> 0;
    }
  }

  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform in [0, 1), with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Standard normal by the polar method; each accepted pair gives two values, the second kept for the next call. */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.uniform() - 1;
      x2 = 2 * this.uniform() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spareNormal = f * x1;
    return f * x2;
  }
}

/**
 * mulberry32: a small 32-bit generator with a full period, uniform in [0, 1). For seeded test and calibration data
 * (the random ops draw from Random above).
 */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
