// Renders bench/results/serve.json (bench/serve.ts) as bench/results/serve.md and a bar chart.
import { barChartSvg } from './svg.ts';
import { median } from './timing.ts';

export interface RequestTiming {
  /** Seconds to the first text chunk, mean seconds per token after it, seconds to the end of the stream. */
  ttft: number;
  perToken: number;
  total: number;
}

export interface Phase {
  /** Median over rounds of N·tokens / wall time of the phase. */
  tokensPerSec: number;
  rounds: number[];
  ttftMs: Record<string, number>;
  perTokenMs: Record<string, number>;
  requests: number;
}

export interface ServeResults {
  date: string;
  command: string;
  machine: { cpu: string | null; cores: number; loadAverage1m: { start: number; end: number } };
  model: { dim: number; nLayers: number; nHeads: number; vocab: number; params: number };
  requests: number;
  tokens: number;
  rounds: number;
  serial: Phase;
  concurrent: Phase;
  ratio: number;
  lost: number;
}

const f = (v: number, d = 1): string => v.toFixed(d);

export function renderServeReport(r: ServeResults): string {
  const row = (name: string, p: Phase): string =>
    `| ${name} | ${f(p.tokensPerSec, 0)} | ${p.rounds.map((x) => f(x, 0)).join(', ')} | ${f(p.ttftMs.p50)} / ${f(p.ttftMs.p90)} / ${f(p.ttftMs.p99)} | ${f(p.perTokenMs.p50, 2)} / ${f(p.perTokenMs.p90, 2)} / ${f(p.perTokenMs.p99, 2)} |`;
  return [
    '# Serving benchmark',
    '',
    `Command: \`${r.command}\` — ${r.date}, ${r.machine.cpu ?? '?'} (${r.machine.cores} cores, shared with other work; 1-minute load average ${f(r.machine.loadAverage1m.start)} at the start, ${f(r.machine.loadAverage1m.end)} at the end).`,
    `\`tessera serve\` in its own process on loopback; GPT d=${r.model.dim}, ${r.model.nLayers} layers, ${r.model.nHeads} heads, ${r.model.vocab}-token BPE (${(r.model.params / 1e6).toFixed(2)}M parameters, random weights).`,
    `${r.requests} streaming completions of exactly ${r.tokens} tokens each (ignore_eos) with the \`openai\` client, one at a time and then all at once; ${r.rounds} rounds after a warm-up round, tokens/s is the median round.`,
    `Every stream ended with \`data: [DONE]\`, finish_reason \`length\` and usage.completion_tokens = ${r.tokens}; requests lost: ${r.lost}.`,
    '',
    `**Concurrent / one at a time: ${f(r.ratio, 2)}×** (median tokens/s of each mode; the median of the rounds' own ratios is ${f(median(r.concurrent.rounds.map((c, i) => c / r.serial.rounds[i])), 2)}×)`,
    '',
    '| clients | tokens/s (median) | per round | time to first token p50 / p90 / p99 (ms) | per token after the first p50 / p90 / p99 (ms) |',
    '|---|---|---|---|---|',
    row('1 (one at a time)', r.serial),
    row(`${r.requests} concurrent`, r.concurrent),
    '',
    '![tokens/s per round](serve.svg)',
    '',
  ].join('\n');
}

export function serveChartSvg(r: ServeResults): string {
  return barChartSvg({
    title: `tessera serve, ${r.requests} × ${r.tokens}-token streams: aggregate tokens/s`,
    yLabel: 'tokens/s',
    groups: r.serial.rounds.map((_, i) => `round ${i + 1}`),
    series: [
      { name: 'one at a time', color: '#888', values: r.serial.rounds },
      { name: `${r.requests} concurrent`, color: '#2a7', values: r.concurrent.rounds },
    ],
  });
}
