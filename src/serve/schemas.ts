// Request bodies of the OpenAI-compatible endpoints (unknown fields are ignored, as vLLM does).
// Sampling extensions beyond OpenAI's (top_k, min_p, repetition_penalty, ignore_eos) follow vLLM's names.
import { z } from 'zod';

const stop = z.union([z.string(), z.array(z.string()).max(4)]).nullish();

const sampling = {
  model: z.string().min(1),
  max_tokens: z.number().int().min(0).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  top_k: z.number().int().min(-1).nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  repetition_penalty: z.number().gt(0).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  n: z.number().int().min(1).max(16).nullish(),
  seed: z.number().int().nullish(),
  stop,
  ignore_eos: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().nullish(),
};

export const completionRequest = z.object({
  ...sampling,
  prompt: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number().int()).min(1)]),
  logprobs: z.number().int().min(0).max(5).nullish(),
  echo: z.boolean().nullish(),
});

const textPart = z.object({ type: z.literal('text'), text: z.string() });

export const chatRequest = z.object({
  ...sampling,
  messages: z.array(z.object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
    content: z.union([z.string(), z.array(textPart), z.null()]),
    name: z.string().nullish(),
  })).min(1),
  max_completion_tokens: z.number().int().min(0).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
});

export type CompletionRequest = z.infer<typeof completionRequest>;
export type ChatRequest = z.infer<typeof chatRequest>;
export type SamplingFields = Pick<CompletionRequest, keyof typeof sampling>;

/** The first problem of a failed parse as an OpenAI-style message and the offending field. */
export function describeIssue(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0];
  const param = issue.path.length ? issue.path.join('.') : null;
  return { message: `${param ? `'${param}': ` : ''}${issue.message}`, param };
}
