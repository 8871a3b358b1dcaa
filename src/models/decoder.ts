// The decoder-only language model both GPT and Llama are built from: token (and learned position)
// embeddings, pre-norm blocks of attention and feed-forward, a final norm and an output head that
// may be tied to the token embedding.
import { Tensor, arange, crossEntropy, type CrossEntropyOptions } from '../tensor/index.ts';
import {
  Module, ModuleList, Linear, Embedding, LayerNorm, RMSNorm, Dropout, MLP, SwiGLU, CausalSelfAttention, init,
  type KvCache,
} from '../nn/index.ts';
import { Rng } from '../util/rng.ts';
import { fail, fmtShape } from '../util/errors.ts';
import type { ResolvedDecoderConfig } from './config.ts';

export interface ForwardOptions {
  /** One cache per layer (createKvCaches(nLayers)); ids then hold only the new positions. */
  caches?: KvCache[];
}

export class DecoderBlock extends Module {
  ln1: LayerNorm | RMSNorm;
  attn: CausalSelfAttention;
  ln2: LayerNorm | RMSNorm;
  mlp: MLP | SwiGLU;

  constructor(c: ResolvedDecoderConfig, rng: Rng) {
    super();
    const a = c.arch;
    const norm = () => (a.norm === 'layerNorm' ? new LayerNorm(c.dim, { eps: c.normEps, bias: a.bias }) : new RMSNorm(c.dim, { eps: c.normEps }));
    this.ln1 = norm();
    this.attn = new CausalSelfAttention({
      dim: c.dim, nHeads: c.nHeads, nKvHeads: c.nKvHeads, bias: a.bias, fusedQkv: a.fusedQkv,
      ropeTheta: a.positions === 'rope' ? c.ropeTheta : undefined, dropout: c.dropout, impl: c.attention, rng,
    });
    this.ln2 = norm();
    this.mlp = a.mlp === 'mlp'
      ? new MLP(c.dim, c.hidden, { bias: a.bias, activation: c.activation, dropout: c.dropout, rng })
      : new SwiGLU(c.dim, c.hidden, { bias: a.bias, rng });
  }

  forward(x: Tensor, cache?: KvCache): Tensor {
    const h = x.add(this.attn.forward(this.ln1.forward(x), cache)); // (B, T, C)
    return h.add(this.mlp.forward(this.ln2.forward(h)));
  }
}

export class DecoderLM extends Module {
  wte: Embedding;
  wpe: Embedding | null;
  drop: Dropout;
  blocks: ModuleList<DecoderBlock>;
  lnF: LayerNorm | RMSNorm;
  lmHead: Linear | null;
  readonly config: ResolvedDecoderConfig;

  constructor(c: ResolvedDecoderConfig) {
    super();
    this.config = c;
    const rng = new Rng(c.seed);
    this.wte = new Embedding(c.vocabSize, c.dim, { rng });
    this.wpe = c.arch.positions === 'learned' ? new Embedding(c.maxSeqLen, c.dim, { rng }) : null;
    this.drop = new Dropout(c.dropout, rng);
    this.blocks = new ModuleList(Array.from({ length: c.nLayers }, () => new DecoderBlock(c, rng)));
    this.lnF = c.arch.norm === 'layerNorm' ? new LayerNorm(c.dim, { eps: c.normEps, bias: c.arch.bias }) : new RMSNorm(c.dim, { eps: c.normEps });
    this.lmHead = c.tieEmbeddings ? null : new Linear(c.dim, c.vocabSize, { bias: false, rng });
    this.initWeights(new Rng(c.seed));
  }

  /**
   * GPT-2 / Llama init: every matrix and embedding N(0, initStd), biases 0, norm gains 1; with
   * scaledResidualInit the projections into the residual stream use initStd/sqrt(2·nLayers).
   */
  initWeights(rng: Rng): void {
    const c = this.config;
    const resid = init.scaledResidualStd(c.initStd, c.nLayers);
    for (const [name, p] of this.namedParameters()) {
      if (p.ndim >= 2) {
        const isResid = /\.(attn\.outProj|mlp\.proj|mlp\.down)\.weight$/.test(name);
        init.normal(p, c.arch.scaledResidualInit && isResid ? resid : c.initStd, 0, rng);
      } else if (/(^|\.)(ln1|ln2|lnF)\.weight$/.test(name)) {
        init.ones(p);
      } else {
        init.zeros(p);
      }
    }
  }

  /** ids (B, T) i32 → logits (B, T, V). */
  forward(ids: Tensor, opts: ForwardOptions = {}): Tensor {
    const c = this.config;
    if (ids.ndim !== 2 || ids.dtype !== 'i32') fail(`${c.modelType}.forward`, `ids must be (B, T) i32, got ${ids.dtype} ${fmtShape(ids.shape)}`);
    const caches = opts.caches;
    if (caches && caches.length !== c.nLayers) fail(`${c.modelType}.forward`, `expected ${c.nLayers} caches (one per layer), got ${caches.length}`);
    const T = ids.shape[1];
    const start = caches?.[0]?.pos ?? 0;
    if (start + T > c.maxSeqLen && this.wpe) {
      fail(`${c.modelType}.forward`, `positions up to ${start + T} exceed maxSeqLen ${c.maxSeqLen}`);
    }
    let x = this.wte.forward(ids); // (B, T, C)
    if (this.wpe) x = x.add(this.wpe.forward(arange(start, start + T))); // + (T, C)
    x = this.drop.forward(x);
    this.blocks.items.forEach((b, i) => { x = b.forward(x, caches?.[i]); });
    x = this.lnF.forward(x);
    return this.lmHead ? this.lmHead.forward(x) : this.wte.attend(x); // (B, T, V)
  }

  /** Mean cross-entropy of the logits for ids against targets (B, T) i32; -100 is ignored. */
  loss(ids: Tensor, targets: Tensor, opts: CrossEntropyOptions = {}): Tensor {
    return crossEntropy(this.forward(ids), targets, opts);
  }
}
