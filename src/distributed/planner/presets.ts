// Device and cluster presets. Peaks and link rates are the vendors' published figures; `efficiency`
// is the one calibration constant per device type (see docs/planner.md for how each was set).
import { fail } from '../../util/errors.ts';
import type { ClusterSpec, DeviceSpec, Strategy } from './types.ts';

export const devices: Readonly<Record<string, DeviceSpec>> = {
  // Fitted on three rows of Megatron-LM's Table 1 by `tessera reproduce planner`.
  a100: { name: 'A100-SXM4-80GB', memoryBytes: 80e9, peakFlops16: 312e12, peakFlops32: 19.5e12, memoryBandwidth: 2.039e12, hostBandwidth: 25e9, efficiency: 0.584 },
  'a100-40gb': { name: 'A100-SXM4-40GB', memoryBytes: 40e9, peakFlops16: 312e12, peakFlops32: 19.5e12, memoryBandwidth: 1.555e12, hostBandwidth: 25e9, efficiency: 0.6 },
  // Fitted on a GPT training step measured on an H200 (src/reproduce/data/h200-gpt-steps.json);
  // the H100 is the same chip at the same clocks, not measured itself.
  h100: { name: 'H100-SXM5-80GB', memoryBytes: 80e9, peakFlops16: 989e12, peakFlops32: 67e12, memoryBandwidth: 3.35e12, hostBandwidth: 50e9, efficiency: 0.566 },
  h200: { name: 'H200-SXM-141GB', memoryBytes: 141e9, peakFlops16: 989e12, peakFlops32: 67e12, memoryBandwidth: 4.8e12, hostBandwidth: 50e9, efficiency: 0.566 },
  // No measurement calibrates the V100: the A100's fraction of peak is assumed.
  v100: { name: 'V100-SXM3-32GB', memoryBytes: 32e9, peakFlops16: 125e12, peakFlops32: 15.7e12, memoryBandwidth: 0.9e12, hostBandwidth: 12.5e9, efficiency: 0.6 },
};

interface NodeSpec {
  readonly device: string;
  readonly devicesPerNode: number;
  readonly intraBandwidth: number;
  readonly intraLatency: number;
  readonly interBandwidth: number;
  readonly interLatency: number;
  readonly summary: string;
}

/** One node type each; the node count is chosen per plan. Bandwidths are per device, one direction. */
export const nodes: Readonly<Record<string, NodeSpec>> = {
  // NVSwitch 600 GB/s bidirectional; 8 × 200 Gb/s HDR InfiniBand per node (Megatron's Selene).
  'dgx-a100': { device: 'a100', devicesPerNode: 8, intraBandwidth: 300e9, intraLatency: 5e-6, interBandwidth: 25e9, interLatency: 10e-6, summary: '8 × A100 80GB, NVSwitch, 8 × HDR 200 Gb/s' },
  // NVLink 4 900 GB/s bidirectional; 8 × 400 Gb/s NDR per node.
  'dgx-h100': { device: 'h100', devicesPerNode: 8, intraBandwidth: 450e9, intraLatency: 5e-6, interBandwidth: 50e9, interLatency: 10e-6, summary: '8 × H100 80GB, NVLink 4, 8 × NDR 400 Gb/s' },
  'hgx-h200': { device: 'h200', devicesPerNode: 8, intraBandwidth: 450e9, intraLatency: 5e-6, interBandwidth: 50e9, interLatency: 10e-6, summary: '8 × H200 141GB, NVLink 4, 8 × NDR 400 Gb/s' },
  // A commodity cluster: 8 × A100 per node behind one 100 Gb/s Ethernet port (PaRO's setting of slow inter-node links).
  'a100-ethernet': { device: 'a100', devicesPerNode: 8, intraBandwidth: 300e9, intraLatency: 5e-6, interBandwidth: 12.5e9 / 8, interLatency: 20e-6, summary: '8 × A100 80GB, NVSwitch, one 100 Gb/s Ethernet port' },
  // ZeRO's DGX-2: 16 × V100 32GB, NVSwitch 300 GB/s, 800 Gb/s per node.
  'dgx-2': { device: 'v100', devicesPerNode: 16, intraBandwidth: 150e9, intraLatency: 5e-6, interBandwidth: 100e9 / 16, interLatency: 10e-6, summary: '16 × V100 32GB, NVSwitch, 8 × EDR 100 Gb/s' },
};

export function devicePreset(name: string): DeviceSpec {
  return devices[name.toLowerCase()] ?? fail('planner', `unknown device '${name}', expected one of ${Object.keys(devices).join(', ')}`);
}

export function clusterPreset(name: string, nodeCount: number, overrides: Partial<ClusterSpec> = {}): ClusterSpec {
  const n = nodes[name.toLowerCase()] ?? fail('planner', `unknown cluster '${name}', expected one of ${Object.keys(nodes).join(', ')}`);
  if (!Number.isInteger(nodeCount) || nodeCount < 1) fail('planner', `nodes must be a positive integer, got ${nodeCount}`);
  return {
    name, device: devicePreset(n.device), devicesPerNode: n.devicesPerNode, nodes: nodeCount,
    intraBandwidth: n.intraBandwidth, intraLatency: n.intraLatency, interBandwidth: n.interBandwidth, interLatency: n.interLatency,
    ...overrides,
  };
}

/** Plain data parallelism, no model parallelism, mixed precision: the base every option edits. */
export const defaultStrategy: Strategy = {
  tp: 1, pp: 1, schedule: '1f1b', virtualStages: 1, sharding: 'NNN', offloadOptimizer: false, offloadParams: false,
  recompute: 'none', precision: 'mixed', sequenceParallel: false, flashAttention: false, scatterGather: true,
};
