import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatTemplate } from '../../src/serve/chat-template.ts';

test('the default ChatML template renders messages and the generation prompt', () => {
  const t = new ChatTemplate();
  assert.equal(t.render([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]),
    '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  assert.deepEqual(t.endOfTurn, ['<|im_end|>']);
});

test('a Hugging Face style template with bos_token, loops and conditions', () => {
  const src = "{{ bos_token }}{% for m in messages %}{% if m.role == 'user' %}[INST] {{ m.content | trim }} [/INST]{% else %}{{ m.content }}{{ eos_token }}{% endif %}{% endfor %}";
  const t = new ChatTemplate(src, { bos_token: '<s>', eos_token: '</s>' });
  assert.equal(t.render([{ role: 'user', content: ' a ' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }]), '<s>[INST] a [/INST]b</s>[INST] c [/INST]');
  assert.deepEqual(t.endOfTurn, []);
});
