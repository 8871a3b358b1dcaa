// Loads the papers' numbers committed under src/reproduce/data/ (each file names its source table).
import { readFileSync } from 'node:fs';

export function loadPaperData<T>(file: string): T & { source: string } {
  return JSON.parse(readFileSync(new URL(`./data/${file}`, import.meta.url), 'utf8')) as T & { source: string };
}
