// A trainable tensor. Its storage can be released and materialised again, so a sharded optimizer
// (ZeRO-3) can hold only its shard and gather the full parameter just before use.
import type { Storage } from '../spec/backend.ts';
import { Tensor } from './tensor.ts';
import { allocStorage } from './dtype.ts';
import { fail, fmtShape } from '../util/errors.ts';

export class Parameter extends Tensor {
  constructor(init: Tensor, opts: { requiresGrad?: boolean; name?: string } = {}) {
    const c = init.contiguous();
    super(c.data.length === c.numel && c.offset === 0 ? c.data : c.buffer().slice(), c.shape, c.dtype);
    this.requiresGrad = opts.requiresGrad ?? true;
    if (opts.name) this.name = opts.name;
  }

  get isMaterialized(): boolean {
    return this.data.length === this.numel;
  }

  /** Drops the storage (keeps shape and dtype); reading it before materialize() throws. */
  release(): void {
    this.data = allocStorage(this.dtype, 0);
  }

  /** Installs full storage (for example, all-gathered shards). */
  materialize(data: Storage): void {
    if (data.length !== this.numel) {
      fail('Parameter.materialize', `${this.name ?? 'parameter'} of shape ${fmtShape(this.shape)} needs ${this.numel} elements, got ${data.length}`);
    }
    this.data = data;
  }

  freeze(): this {
    this.requiresGrad = false;
    this.grad = null;
    return this;
  }

  unfreeze(): this {
    this.requiresGrad = true;
    return this;
  }
}
