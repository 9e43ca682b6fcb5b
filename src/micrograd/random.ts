// A small seedable random generator for the scalar engine (xoshiro128** seeded through a
// splitmix-style hash), so weight initialisation and the moons data are reproducible from a seed.
// It imports nothing outside src/micrograd: the scalar engine stands alone.

import { describe } from "./describe.js";

/** Deterministic pseudo-random numbers from a 32-bit integer seed. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** A cached second normal deviate from Box–Muller, or NaN when none is cached. */
  private spareNormal = NaN;

  constructor(seed: number) {
    if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
      throw new TypeError(`Rng: seed must be an integer, got ${describe(seed)}`);
    }
    // Spread the seed over 128 bits of state: a Weyl sequence passed through a mixing function,
    // so neighbouring seeds (1, 2, 3…) give unrelated streams. Seeds above 2^32 keep their high bits.
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x27d4eb2d);
    const mix = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = mix();
    this.s1 = mix();
    this.s2 = mix();
    this.s3 = mix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The next 32 random bits as an unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float uniform on [0, 1) with 53 random bits, like Python's random.random(). */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A float uniform on [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  /** A normal deviate with the given mean and standard deviation (Box–Muller). */
  normal(mean = 0, std = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return mean + std * z;
    }
    const u = 1 - this.random(); // (0, 1]: log(u) stays finite
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A fresh seed from Math.random, for generators the caller did not seed. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 4294967296);
}
