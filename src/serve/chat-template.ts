// Chat prompts rendered from a Jinja chat template (the model folder's, else a ChatML default).
import { Template } from '@huggingface/jinja';

export const defaultChatTemplate =
  "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}" +
  '{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}';

export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

export class ChatTemplate {
  private readonly template: Template;

  constructor(readonly source: string = defaultChatTemplate, private readonly specials: Record<string, string> = {}) {
    this.template = new Template(source);
  }

  render(messages: readonly ChatMessage[]): string {
    return this.template.render({ messages: messages.map((m) => ({ ...m })), add_generation_prompt: true, ...this.specials });
  }

  /** Text that marks the end of an assistant turn in this template, used as a stop string. */
  get endOfTurn(): string[] {
    return this.source.includes('<|im_end|>') ? ['<|im_end|>'] : [];
  }
}
