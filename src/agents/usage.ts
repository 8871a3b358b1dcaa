// Token and cost accounting. Prices are per million tokens; unknown models cost zero, which is
// right for local models and visible in the totals for remote ones.
import type { Usage } from '../spec/chat-model.ts';

export const zeroUsage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

export interface Price {
  /** Currency units per million prompt tokens. */
  readonly input: number;
  /** Currency units per million completion tokens. */
  readonly output: number;
}

export type PriceTable = Readonly<Record<string, Price>>;

export function costOf(usage: Usage, model: string, prices: PriceTable): number {
  const p = prices[model];
  if (!p) return 0;
  return (usage.promptTokens * p.input + usage.completionTokens * p.output) / 1e6;
}

/** Running totals for one run: tokens per agent and overall, and cost. */
export class UsageLedger {
  total: Usage = zeroUsage;
  cost = 0;
  modelCalls = 0;
  readonly perAgent = new Map<string, Usage>();

  constructor(readonly prices: PriceTable = {}) {}

  record(agent: string, model: string, usage: Usage): void {
    this.total = addUsage(this.total, usage);
    this.perAgent.set(agent, addUsage(this.perAgent.get(agent) ?? zeroUsage, usage));
    this.cost += costOf(usage, model, this.prices);
    this.modelCalls += 1;
  }

  toJSON(): UsageSnapshot {
    return { total: this.total, cost: this.cost, modelCalls: this.modelCalls, perAgent: Object.fromEntries(this.perAgent) };
  }

  load(s: UsageSnapshot): void {
    this.total = s.total;
    this.cost = s.cost;
    this.modelCalls = s.modelCalls;
    this.perAgent.clear();
    for (const [k, v] of Object.entries(s.perAgent)) this.perAgent.set(k, v);
  }
}

export interface UsageSnapshot {
  readonly total: Usage;
  readonly cost: number;
  readonly modelCalls: number;
  readonly perAgent: Readonly<Record<string, Usage>>;
}
