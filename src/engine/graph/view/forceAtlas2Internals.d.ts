/**
 * Types for two modules of graphology-layout-forceatlas2 that its own typings leave out: the
 * settings' defaults and one iteration over its node and edge matrices (10 numbers per node: x, y,
 * dx, dy, old dx, old dy, mass, convergence, size, fixed; 3 per edge: source and target offsets
 * into the node matrix, weight). graphLayout.ts runs iterations itself to yield between them.
 */
declare module 'graphology-layout-forceatlas2/defaults.js' {
  import type { ForceAtlas2Settings } from 'graphology-layout-forceatlas2';
  const defaults: Required<ForceAtlas2Settings>;
  export default defaults;
}

declare module 'graphology-layout-forceatlas2/iterate.js' {
  import type { ForceAtlas2Settings } from 'graphology-layout-forceatlas2';
  export default function iterate(settings: ForceAtlas2Settings, nodes: Float32Array, edges: Float32Array): void;
}
