// NetworkGraph: the graph core of the topology pipeline (topology files -> graph -> metrics).
//
// `Multigraph` (Multigraph.swift) is a compact, Sendable CSR adjacency-array undirected
// multigraph; every algorithm family lives in its own file, in networkx's manner:
//   Components.swift      connected components, largest component (FACTS.tsv tie rule)
//   Bridges.swift         bridges, articulation points, 2-edge-connected components, behind-bridge,
//                         cutStructure (all four from one DFS)
//   Distances.swift       multi-source BFS hops, eccentricity, diameter (iFUB)
//   WeightedPaths.swift   Dijkstra shortest paths (km) and widest paths (bottleneck Mbps): one
//                         label-setting core; heap (swift-collections HeapModule) or, for widest
//                         paths over few distinct capacities, a bucket queue
//   Connectivity.swift    global edge and node connectivity (unit max flows)
//   SteinerTree.swift     minimum spanning forest, Mehlhorn Steiner tree approximation
// All searches are iterative (no recursion): graphs reach 550,000 nodes.
