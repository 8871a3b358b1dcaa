// OpenAI-shaped error bodies: { error: { message, type, param, code } }.
import type { FastifyReply } from 'fastify';

export interface ApiErrorBody {
  readonly error: { readonly message: string; readonly type: string; readonly param: string | null; readonly code: string | null };
}

const typeByStatus: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 404: 'invalid_request_error', 405: 'invalid_request_error',
  413: 'invalid_request_error', 415: 'invalid_request_error', 429: 'rate_limit_error', 503: 'server_error',
};

export function errorBody(status: number, message: string, param: string | null = null, code: string | null = null): ApiErrorBody {
  return { error: { message, type: typeByStatus[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param, code } };
}

export function sendError(reply: FastifyReply, status: number, message: string, param: string | null = null, code: string | null = null): FastifyReply {
  return reply.code(status).type('application/json').send(errorBody(status, message, param, code));
}
