// Reproductions register here; `tessera reproduce <name>` dispatches on the name.
import { check, fail } from '../util/errors.ts';
import type { Report } from './report.ts';

export interface ReproduceOptions {
  /** The short profile CI runs. */
  readonly quick: boolean;
  /** Train models again instead of reusing cached ones (reproductions that train). */
  readonly retrain?: boolean;
  readonly log: (line: string) => void;
}

export interface Reproduction {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  run(opts: ReproduceOptions): Promise<Report>;
}

export class ReproductionRegistry {
  private readonly byName = new Map<string, Reproduction>();

  register(r: Reproduction): void {
    check(/^[a-z0-9-]+$/.test(r.name), 'reproduce', `reproduction name must be kebab-case, got '${r.name}'`);
    check(!this.byName.has(r.name), 'reproduce', `reproduction '${r.name}' is already registered`);
    this.byName.set(r.name, r);
  }

  get(name: string): Reproduction {
    return this.byName.get(name) ?? fail('reproduce', `unknown reproduction '${name}', expected one of: ${this.list().map((r) => r.name).join(', ') || '(none registered)'}`);
  }

  list(): Reproduction[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
