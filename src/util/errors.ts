// Errors name the op or command first, then what was wrong and what was expected.
export class TesseraError extends Error {
  constructor(readonly where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'TesseraError';
  }
}

/** Throws a TesseraError `where: message`. */
export function fail(where: string, message: string): never {
  throw new TesseraError(where, message);
}

export function check(cond: unknown, where: string, message: string | (() => string)): asserts cond {
  if (!cond) fail(where, typeof message === 'function' ? message() : message);
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
