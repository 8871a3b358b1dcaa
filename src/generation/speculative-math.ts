// The speculative-decoding formulas (Leviathan et al. 2023, §3-4) and the choice of γ from them.

/** Expected tokens per target pass with acceptance rate α and γ drafts: (1 − α^(γ+1)) / (1 − α). */
export function expectedTokens(alpha: number, gamma: number): number {
  return alpha >= 1 ? gamma + 1 : (1 - alpha ** (gamma + 1)) / (1 - alpha);
}

/**
 * Predicted walltime speedup: expected tokens / (γc + v), with c the draft/target step cost and v
 * the target's cost of verifying γ+1 positions relative to one step (the paper assumes v = 1).
 */
export function predictedSpeedup(alpha: number, gamma: number, c: number, v = 1): number {
  return expectedTokens(alpha, gamma) / (gamma * c + v);
}

/** Factor by which arithmetic operations grow: (1 − α)(γĉ + γ + 1) / (1 − α^(γ+1)). */
export function operationsFactor(alpha: number, gamma: number, cHat: number): number {
  return (gamma * cHat + gamma + 1) / expectedTokens(alpha, gamma);
}

/** The γ in 1..maxGamma with the highest predicted speedup; v(k) is the cost of a k-position pass. */
export function bestGamma(alpha: number, c: number, v: (k: number) => number = () => 1, maxGamma = 16): number {
  let best = 1;
  let bestS = -Infinity;
  for (let g = 1; g <= maxGamma; g++) {
    const s = predictedSpeedup(alpha, g, c, v(g + 1));
    if (s > bestS) { bestS = s; best = g; }
  }
  return best;
}
