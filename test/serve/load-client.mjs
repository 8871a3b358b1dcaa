// Load client for test/serve/load.test.ts, run in its own process (as real clients are): the same
// 16 streaming requests one at a time and then all at once, in rounds (the first one only warms
// up); prints JSON results.
const [url, n, maxTokens, timed] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5] ?? 5)];

async function stream(i) {
  const r = await fetch(`${url}/v1/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tiny', prompt: `Request ${i}: the nation`, max_tokens: maxTokens, temperature: 0.9, seed: i, ignore_eos: true, stream: true, stream_options: { include_usage: true } }),
  });
  const sse = await r.text();
  let tokens = -1;
  let text = '';
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const j = JSON.parse(line.slice(6));
    if (j.usage) tokens = j.usage.completion_tokens;
    text += j.choices[0]?.text ?? '';
  }
  return { status: r.status, tokens, text, done: sse.trimEnd().endsWith('data: [DONE]') };
}

const rounds = [];
for (let round = 0; round <= timed; round++) {
  let t0 = performance.now();
  const serial = [];
  for (let i = 0; i < n; i++) serial.push(await stream(i));
  const serialSec = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const parallel = await Promise.all(Array.from({ length: n }, (_, i) => stream(i)));
  const parallelSec = (performance.now() - t0) / 1000;
  rounds.push({ serial, parallel, serialSec, parallelSec });
}
// Round 0 warms the JIT up and is not timed.
console.log(JSON.stringify(rounds.slice(1)));
