/** Public API of the tool graph (paper 3.1), used by the CLI, the pipeline and the extension. */
export { buildToolGraph, BuiltGraph, findTextPairs, toGraphology, defaultCacheDir, GraphTooLargeError, DEFAULT_MAX_DEGREE, type BuildToolGraphOptions, type BuildToolGraphResult, type GraphBuildEvent, type GraphBuildTimings } from './buildToolGraph';
export { buildFieldIndex, GENERIC_PARAMS, normalizeParamName, type FieldIndex, type FieldIndexOptions } from './fieldIndex';
export { collectToolEdges, capDegree, ToolEdgeTable, KIND_PP, KIND_RP_A_TO_B, KIND_RP_B_TO_A, type TextPairs, type CollectEdgesOptions } from './toolEdges';
export { computeGraphStats, statsFromCounts, type GraphStats } from './graphStats';
export { saveGraph, saveBuiltGraph, saveGraphData, loadGraph, parseGraph, readGraphData, decodeGraphData, encodeGraphData, graphToGexf, saveGexf, GraphFileError, REBUILD_HINT } from './graphFiles';
export { ToolGraphData, EDGE_PP, EDGE_RP_FORWARD, EDGE_RP_BACKWARD, type NodeColumns, type EdgeColumns } from './graphData';
export { calibrateThreshold, type CalibrationOptions, type CalibrationResult } from './calibrate';
export { findSimilarPairs, type PairSearchOptions, type PairSearchResult } from './similarity/findSimilarPairs';
export { GRAPH_FORMAT, GRAPH_VERSION, type ToolGraph, type ToolNodeAttributes, type ToolEdgeAttributes, type ToolGraphAttributes } from './graphTypes';
export { DEFAULT_MODEL, OFFLINE_MODEL, modelDefaults, ModelFilesMissingError, ModelLoadError } from '../embedding/modelRegistry';
export { createEmbedder, type Embedder, type EmbedderOptions, type EmbedderEvent } from '../embedding/embedder';
export { detectGenericFields, DEFAULT_GENERIC_SHARE, DEFAULT_GENERIC_MIN_TOOLS, type GenericField, type GenericFieldSet, type GenericFieldOptions } from './genericFields';
