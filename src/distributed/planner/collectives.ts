// α–β cost of a collective over ranks laid out as g nodes × k ranks per node, run hierarchically
// (intra-node phase on the fast links, inter-node phase on each rank's share of the network).
import type { ClusterSpec } from './types.ts';
import type { CollectiveOp } from './sharding.ts';

export interface Layout {
  /** Ranks of the group on each node. */
  readonly k: number;
  /** Nodes the group spans. */
  readonly g: number;
}

export interface CollectiveCost {
  /** Bytes one rank sends over intra-node and inter-node links. */
  readonly intraBytes: number;
  readonly interBytes: number;
  readonly seconds: number;
}

/** All-gather or reduce-scatter of S bytes is one pass; all-reduce is the two (RS then AG). */
export function collectiveCost(op: CollectiveOp, bytes: number, layout: Layout, cluster: ClusterSpec): CollectiveCost {
  const passes = op === 'AR' ? 2 : 1;
  const { k, g } = layout;
  const intraBytes = passes * ((k - 1) / k) * bytes;
  const interBytes = passes * ((g - 1) / g) * (bytes / k);
  const seconds = intraBytes / cluster.intraBandwidth + passes * (k - 1) * cluster.intraLatency
    + interBytes / cluster.interBandwidth + passes * (g - 1) * cluster.interLatency;
  return { intraBytes, interBytes, seconds };
}

/** Point-to-point send of S bytes between two ranks, on the node's links or across nodes. */
export function p2pCost(bytes: number, crossesNodes: boolean, cluster: ClusterSpec): CollectiveCost {
  return crossesNodes
    ? { intraBytes: 0, interBytes: bytes, seconds: cluster.interLatency + bytes / cluster.interBandwidth }
    : { intraBytes: bytes, interBytes: 0, seconds: cluster.intraLatency + bytes / cluster.intraBandwidth };
}

export function zeroCost(): CollectiveCost {
  return { intraBytes: 0, interBytes: 0, seconds: 0 };
}

export function addCost(a: CollectiveCost, b: CollectiveCost, times = 1): CollectiveCost {
  return { intraBytes: a.intraBytes + times * b.intraBytes, interBytes: a.interBytes + times * b.interBytes, seconds: a.seconds + times * b.seconds };
}
