/**
 * The generator of the random ops: xoshiro128** seeded through splitmix32 from the bits of the `seed` attribute, so a
 * seeded node gives the same values on every run. Its values differ from numpy's generator, with which the ONNX test
 * data was made; only shapes, types and value ranges can be compared with that data.
 */
export class Random {
  private readonly s = new Uint32Array(4);
  private spareNormal: number | undefined;

  /** Seeded from `seed` when given, else from Math.random. */
  constructor(seed?: number) {
    const bits = new Uint32Array(new Float64Array([seed ?? Math.random()]).buffer);
    let state = (bits[0] ^ Math.imul(bits[1], 0x9e3779b9)) >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32: spreads one 32-bit state over the four words, never all zero.
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1), with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Standard normal, by the Box–Muller transform (each pair of uniforms gives two values). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
