import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, saveHfCheckpoint } from '../../src/models/index.ts';
import { DecoderLmRunner } from '../../src/generation/decoder-lm.ts';
import { generate } from '../../src/generation/generate.ts';
import { fixtureDir, tokenizer } from '../generation/fixture.ts';
import { startServer, postJson } from './server-fixture.ts';

test('tessera serve loads a Hugging Face Llama folder from the models registry and batches it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-llama-'));
  const model = createModel({ modelType: 'llama', vocabSize: 320, dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, hidden: 64, maxSeqLen: 64, seed: 4, initStd: 0.2 }).eval();
  saveHfCheckpoint(model, dir);
  copyFileSync(join(fixtureDir, 'target', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const { url, server } = await startServer({ modelDir: dir, modelName: 'llama-tiny' });
  try {
    const prompts = ['The Union', 'Our economy is', 'We'];
    const replies = await Promise.all(prompts.map((prompt) => postJson(`${url}/v1/completions`, { model: 'llama-tiny', prompt, max_tokens: 8, temperature: 0 })));
    const runner = new DecoderLmRunner(model);
    prompts.forEach((p, i) => {
      const expected = generate(runner, [tokenizer.encode(p)], { temperature: 0, maxTokens: 8, decode: (ids) => tokenizer.decode(ids) })[0];
      assert.equal(replies[i].status, 200);
      assert.equal(replies[i].json.choices[0].text, expected.text);
    });
  } finally {
    await server.close();
  }
});
