// A stable key for a model request: the hash of its canonical JSON (sorted keys, no signal), so
// a recorded fixture can be matched against the request that a test makes.
import { createHash } from 'node:crypto';
import type { GenerateRequest } from '../../spec/chat-model.ts';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}

/** The request without its AbortSignal, in canonical form. */
export function requestBody(request: GenerateRequest): unknown {
  const { signal: _signal, ...rest } = request;
  return canonical(rest);
}

export function requestKey(request: GenerateRequest): string {
  return createHash('sha256').update(JSON.stringify(requestBody(request))).digest('hex').slice(0, 16);
}
