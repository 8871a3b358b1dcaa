// Module rewrites (LoRA, BitNet, tensor-parallel sharding) are built on nn's generic helper.
export { replaceModules, getModule } from '../nn/rewrite.ts';
export type { ModulePredicate, ModuleRewrite } from '../nn/rewrite.ts';
