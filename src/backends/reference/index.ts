// The reference backend: plain TypeScript, readable, every dtype; the oracle for faster backends.
import type { Backend } from '../../spec/backend.ts';
import { unary, unaryGrad, binary, where, copy } from './elementwise.ts';
import { reduce, softmax, softmaxGrad, layerNorm, layerNormGrad, rmsNorm, rmsNormGrad, crossEntropy, crossEntropyGrad } from './rows.ts';
import { matmul } from './matmul.ts';
import { gather, scatterAdd, indexSelect, indexAdd } from './indexing.ts';
import { adamw } from './optim.ts';
import { attention, attentionGrad } from './attention.ts';

export const referenceBackend: Backend = {
  name: 'reference',
  dtypes: ['f32', 'f64', 'i32', 'u8', 'i8', 'f16', 'bf16'],
  kernels: {
    unary, unaryGrad, binary, where, copy, reduce, matmul, softmax, softmaxGrad,
    layerNorm, layerNormGrad, rmsNorm, rmsNormGrad, crossEntropy, crossEntropyGrad,
    gather, scatterAdd, indexSelect, indexAdd, adamw, attention, attentionGrad,
  },
};
