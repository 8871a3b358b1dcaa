// Learning-rate schedules: functions from the 0-based step to the learning rate.
import { fail } from '../../util/errors.ts';

export type LrSchedule = (step: number) => number;

export interface WarmupCosineOptions {
  maxLr: number;
  minLr?: number;
  warmupSteps: number;
  /** Step at which the cosine reaches minLr (it stays there after). */
  decaySteps: number;
}

/** Linear warmup to maxLr, then a half cosine down to minLr (nanoGPT's get_lr). */
export function warmupCosine(o: WarmupCosineOptions): LrSchedule {
  const minLr = o.minLr ?? 0;
  if (o.decaySteps < o.warmupSteps) fail('warmupCosine', `decaySteps ${o.decaySteps} must be ≥ warmupSteps ${o.warmupSteps}`);
  return (step) => {
    if (step < o.warmupSteps) return (o.maxLr * (step + 1)) / (o.warmupSteps + 1);
    if (step >= o.decaySteps) return minLr;
    const ratio = (step - o.warmupSteps) / Math.max(1, o.decaySteps - o.warmupSteps);
    return minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (o.maxLr - minLr);
  };
}

export interface WarmupInvSqrtOptions {
  maxLr: number;
  warmupSteps: number;
}

/** Linear warmup to maxLr at warmupSteps, then maxLr·sqrt(warmup/step) (the Transformer schedule). */
export function warmupInvSqrt(o: WarmupInvSqrtOptions): LrSchedule {
  if (!(o.warmupSteps >= 1)) fail('warmupInvSqrt', `warmupSteps must be ≥ 1, got ${o.warmupSteps}`);
  return (step) => {
    const s = step + 1;
    return o.maxLr * Math.min(s / o.warmupSteps, Math.sqrt(o.warmupSteps / s));
  };
}
