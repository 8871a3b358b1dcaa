// The attention-dropout keep-mask as a pure function of (seed, batch, head, query, key), so the
// fused kernel, its backward and the naive path regenerate the identical mask whatever the block
// sizes, loop order or thread count. Plain 32-bit integer mixing, easy to mirror in C.

function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** A uniform number in [0, 1) with 24 random bits. */
export function keepUniform(seed: number, b: number, h: number, i: number, j: number): number {
  let x = mix32(seed >>> 0);
  x = mix32((x + Math.imul(b + 1, 0x9e3779b1)) >>> 0);
  x = mix32((x + Math.imul(h + 1, 0x85ebca77)) >>> 0);
  x = mix32((x + Math.imul(i + 1, 0xc2b2ae3d)) >>> 0);
  x = mix32((x + Math.imul(j + 1, 0x27d4eb2f)) >>> 0);
  return (x >>> 8) / 16777216;
}

/** True when entry (i, j) of head h in batch row b is kept under dropout probability p. */
export function keeps(seed: number, b: number, h: number, i: number, j: number, p: number): boolean {
  return p === 0 || keepUniform(seed, b, h, i, j) >= p;
}
