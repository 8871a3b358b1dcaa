// Inputs and outputs of the planner: a model shape, a batch, a cluster and a parallel strategy.

/** A decoder-only transformer described by its shape; enough to count parameters and FLOPs. */
export interface ModelShape {
  readonly name: string;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  /** Key/value heads (grouped-query attention); equal to `heads` for multi-head attention. */
  readonly kvHeads: number;
  /** Width of the MLP's hidden layer (4h for GPT). */
  readonly ffn: number;
  readonly vocab: number;
  readonly seqLen: number;
  /** LLaMA's SwiGLU MLP has three matrices instead of two. */
  readonly gatedMlp: boolean;
  readonly tiedEmbeddings: boolean;
  /** GPT learns a position table of seqLen rows; LLaMA uses rotary embeddings (no parameters). */
  readonly learnedPositions: boolean;
  readonly norm: 'layernorm' | 'rmsnorm';
  /** Biases on every linear layer (GPT) or none (LLaMA). */
  readonly bias: boolean;
}

export interface BatchSpec {
  /** Samples per optimizer step over the whole cluster. */
  readonly global: number;
  /** Samples per microbatch on one pipeline. */
  readonly micro: number;
}

export interface DeviceSpec {
  readonly name: string;
  readonly memoryBytes: number;
  /** Dense peak FLOP/s in 16-bit (tensor cores) and in fp32. */
  readonly peakFlops16: number;
  readonly peakFlops32: number;
  /** Device memory bandwidth, bytes/s: bounds the elementwise work between GEMMs. */
  readonly memoryBandwidth: number;
  /** Host link (PCIe) bytes/s one way, used by offload. */
  readonly hostBandwidth: number;
  /** The one calibration constant per device type: achieved fraction of peak on transformer GEMMs. */
  readonly efficiency: number;
}

export interface ClusterSpec {
  readonly name: string;
  readonly device: DeviceSpec;
  readonly devicesPerNode: number;
  readonly nodes: number;
  /** Bytes/s one device can send to another device of its node, and the per-message latency (s). */
  readonly intraBandwidth: number;
  readonly intraLatency: number;
  /** Bytes/s one device can send off its node (its share of the node's network links), and latency (s). */
  readonly interBandwidth: number;
  readonly interLatency: number;
}

export type PipelineSchedule = 'gpipe' | '1f1b' | 'interleaved';
/** Where one kind of model state lives: N replicated, I partitioned in the node group, G partitioned globally. */
export type Placement = 'N' | 'I' | 'G';
export type Precision = 'mixed' | 'fp32';
export type Recompute = 'none' | 'selective' | 'full';

export interface Strategy {
  readonly tp: number;
  readonly pp: number;
  readonly schedule: PipelineSchedule;
  /** Model chunks per pipeline rank (interleaved schedule); 1 otherwise. */
  readonly virtualStages: number;
  /** Three PaRO letters for parameters, gradients, optimizer states; ZeRO stage 0..3 = NNN, NNG, NGG, GGG. */
  readonly sharding: string;
  readonly offloadOptimizer: boolean;
  /** ZeRO-3 parameter offload; requires globally partitioned parameters. */
  readonly offloadParams: boolean;
  readonly recompute: Recompute;
  readonly precision: Precision;
  readonly sequenceParallel: boolean;
  /** Fused (flash) attention: the s×s scores are never stored and causal masking halves their work. */
  readonly flashAttention: boolean;
  /** Megatron's scatter/gather of inter-stage activations over the tp ranks. */
  readonly scatterGather: boolean;
}

/** Bytes per device by kind; `cpu` is what offload moves to host memory. */
export interface MemoryBreakdown {
  readonly parameters: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly activations: number;
  readonly buffers: number;
  readonly total: number;
  readonly cpu: number;
}

/** Bytes one device sends per optimizer step, by link level and by purpose. */
export interface CommBreakdown {
  readonly intraNode: number;
  readonly interNode: number;
  readonly byKind: Readonly<Record<'tensorParallel' | 'pipeline' | 'dataParallel', { intraNode: number; interNode: number; seconds: number }>>;
}

/** One data-parallel collective of the sharding, totalled over a step (PaRO's t_param, t_gradient, t_sync terms). */
export interface CollectiveTerm {
  readonly what: string;
  readonly phase: 'micro' | 'boundary';
  readonly op: 'AG' | 'RS' | 'AR';
  readonly scope: 'intra' | 'inter' | 'global';
  readonly timesPerStep: number;
  /** Bytes one device sends over the step, and seconds spent. */
  readonly intraNode: number;
  readonly interNode: number;
  readonly seconds: number;
}

export interface TimeBreakdown {
  /** Seconds per optimizer step. */
  readonly step: number;
  readonly pipeline: number;
  readonly dataParallel: number;
  /** Seconds of the optimizer step on the device (memory-bound; 0 when offloaded, whose host compute is not modelled). */
  readonly optimizer: number;
  /** Seconds per step moving gradients and parameters over the host link for optimizer offload. */
  readonly hostTransfer: number;
  /** Idle fraction of the pipeline schedule, simulated: (makespan − ideal) / ideal. */
  readonly bubble: number;
  readonly computePerMicrobatch: number;
}

export interface PlanResult {
  readonly model: ModelShape;
  readonly batch: BatchSpec;
  readonly cluster: ClusterSpec;
  readonly strategy: Strategy;
  readonly dp: number;
  /** Microbatches per pipeline per step (gradient-accumulation steps of a data-parallel rank). */
  readonly microbatches: number;
  readonly parameters: number;
  readonly flopsPerStep: number;
  readonly memory: MemoryBreakdown;
  readonly fits: boolean;
  readonly comm: CommBreakdown;
  readonly dataParallelCollectives: readonly CollectiveTerm[];
  readonly time: TimeBreakdown;
  /** Model FLOP/s per device (Megatron's Eq. 3 convention, counting recomputation). */
  readonly achievedFlopsPerDevice: number;
  readonly tokensPerSecond: number;
}
