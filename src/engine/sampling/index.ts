/** Public API of tool sampling: Algorithm 1 random walks and uniform sampling. */
export { sampleTools, createWalkSampler, createRandomSampler, walkFromTool, SamplingError, type WalkableGraph, type WalkStep, type SampleOptions, type SampleResult, type SamplingStrategy, type ToolSampler } from './toolSampler';
export { createRandom, seedToInt, type Random } from './seededRandom';
