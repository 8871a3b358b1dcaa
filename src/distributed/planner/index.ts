// Public surface of the analytic planner.
export * from './types.ts';
export { gptShape, totalParams, megatronEq2, megatronEq3, stepFlops, layerParams, validateShape } from './model.ts';
export { scheduleOps, validateSchedule, defaultGroupSize, peakInFlight, type PipeOp, type ScheduleSpec } from './schedule.ts';
export { simulateSchedule, type SimulationCosts, type SimulationResult, type TimedOp } from './simulate.ts';
export { parseSharding, zeroSharding, stepCollectives, bytesPerElement, type Sharding, type Collective, type DpGroups } from './sharding.ts';
export { collectiveCost, type CollectiveCost, type Layout } from './collectives.ts';
export { modelStateBytes, activationBytesPerLayer, type ModelStateInput, type ModelStateBytes } from './memory.ts';
export { evaluatePlan, planTraining, estimateMemory, planLayout, type PlanInput } from './plan.ts';
export { searchPlans, type SearchSpace, type SearchResult } from './search.ts';
export { devices, nodes, devicePreset, clusterPreset, defaultStrategy } from './presets.ts';
export { modelPresets, modelPreset } from './models.ts';
export { readModelConfig, shapeFromConfig, shapeFromTessera } from './hf-config.ts';
export { formatPlan, formatSearch, strategyLabel } from './format.ts';
export { deepspeedEstimate, type DeepSpeedEstimateInput } from './deepspeed-estimate.ts';
