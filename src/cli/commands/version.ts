import { readFileSync } from 'node:fs';
import type { Command } from '../command.ts';

export const versionCommand: Command = {
  name: 'version',
  summary: 'print the Tessera version',
  help: 'Usage: tessera version\n\nPrints the package version.',
  async run() {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(`tessera ${pkg.version}`);
    return 0;
  },
};
