// How each language runs: the file a block is written to and the command that runs it.
// TypeScript is compiled with esbuild before it runs, so the child needs only node.
import { existsSync } from 'node:fs';
import { transformSync } from 'esbuild';
import type { CodeBlock } from '../code-blocks.ts';
import { fail } from '../../util/errors.ts';

export interface Prepared {
  readonly fileName: string;
  readonly source: string;
  readonly command: string;
  readonly args: readonly string[];
}

export interface Interpreters {
  readonly node: string;
  readonly python: string;
  readonly sh: string;
}

export function defaultInterpreters(): Interpreters {
  // Debian's python3 is the one with the system packages; a PATH shim may point elsewhere.
  return { node: process.execPath, python: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', sh: existsSync('/bin/bash') ? '/bin/bash' : 'sh' };
}

export function prepareBlock(block: CodeBlock, index: number, interp: Interpreters, nodeArgs: readonly string[] = []): Prepared {
  const base = `block-${index}`;
  switch (block.language) {
    case 'javascript': {
      // Models write both module styles; `require` only works in CommonJS, `import` only in ESM.
      const ext = /^\s*(import|export)\s|^\s*await\s/m.test(block.code) ? 'mjs' : 'cjs';
      return { fileName: `${base}.${ext}`, source: block.code, command: interp.node, args: [...nodeArgs, `${base}.${ext}`] };
    }
    case 'typescript': {
      let js: string;
      try {
        js = transformSync(block.code, { loader: 'ts', format: 'esm', target: 'node20' }).code;
      } catch (e) {
        return { fileName: `${base}.mjs`, source: `console.error(${JSON.stringify(`TypeScript compile error: ${(e as Error).message}`)}); process.exit(1);`, command: interp.node, args: [...nodeArgs, `${base}.mjs`] };
      }
      return { fileName: `${base}.mjs`, source: js, command: interp.node, args: [...nodeArgs, `${base}.mjs`] };
    }
    case 'python':
      return { fileName: `${base}.py`, source: block.code, command: interp.python, args: ['-u', `${base}.py`] };
    case 'sh':
      return { fileName: `${base}.sh`, source: block.code, command: interp.sh, args: [`${base}.sh`] };
    default:
      return fail('prepareBlock', `language '${block.language}' is not supported; expected javascript, typescript, python or sh`);
  }
}
