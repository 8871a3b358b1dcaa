// Training-step throughput of the default GPT (d=256, 6 layers, 8 heads, T=256, vocab 8192):
// forward + backward + AdamW, tokens/s, on each registered backend (or --backend). With
// --torch it also runs the same model in PyTorch (Debian python3-torch) for a side-by-side ratio.
//   npx tsx bench/gpt-step.ts [--batch 8] [--steps 2] [--warmup 1] [--backend reference] [--torch]
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listBackends, randint, setBackend } from '../src/index.ts';
import { AdamW, decayGroups } from '../src/nn/index.ts';
import { createModel } from '../src/models/index.ts';
import { Rng } from '../src/util/rng.ts';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '8' },
    steps: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '1' },
    backend: { type: 'string' },
    torch: { type: 'boolean', default: false },
  },
});
const B = Number(values.batch);
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const config = { modelType: 'gpt', vocabSize: 8192, dim: 256, nLayers: 6, nHeads: 8, maxSeqLen: 256, seed: 0 };
const T = config.maxSeqLen;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const results: Record<string, number> = {};
for (const backend of values.backend ? [values.backend] : listBackends()) {
  setBackend(backend);
  const model = createModel(config);
  const opt = new AdamW(decayGroups(model, 0.1), { lr: 3e-4 });
  const ids = randint(0, config.vocabSize, [B, T], { rng: new Rng(1) });
  const targets = randint(0, config.vocabSize, [B, T], { rng: new Rng(2) });
  const times: number[] = [];
  for (let s = 0; s < warmup + steps; s++) {
    const t0 = performance.now();
    opt.zeroGrad();
    const loss = model.loss(ids, targets);
    loss.backward();
    opt.step();
    const dt = (performance.now() - t0) / 1000;
    if (s >= warmup) times.push(dt);
    console.log(`${backend} step ${s}: loss ${loss.item().toFixed(4)}, ${dt.toFixed(2)} s${s < warmup ? ' (warm-up)' : ''}`);
  }
  results[backend] = (B * T) / median(times);
  console.log(`${backend}: ${model.numParameters()} parameters, batch ${B}x${T}: ${results[backend].toFixed(1)} tokens/s (median of ${times.length})`);
}

if (values.torch) {
  const py = '/usr/bin/python3';
  const script = fileURLToPath(new URL('./peers/torch_gpt_step.py', import.meta.url));
  if (!existsSync(py)) {
    console.log('torch peer skipped: /usr/bin/python3 not found');
  } else {
    const r = spawnSync(py, [script, String(B), String(steps)], { encoding: 'utf8', env: { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX' } });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    const m = /tokens\/s ([\d.]+)/.exec(line);
    if (r.status !== 0 || !m) {
      console.log(`torch peer skipped: ${(r.stderr || line).trim().split('\n').pop()}`);
    } else {
      const tps = Number(m[1]);
      console.log(`torch: ${tps.toFixed(1)} tokens/s (${line})`);
      for (const [b, v] of Object.entries(results)) console.log(`ratio ${b}/torch: ${(v / tps).toFixed(3)}`);
    }
  }
}
