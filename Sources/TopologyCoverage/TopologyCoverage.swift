// TopologyCoverage: from a network's own topology to village coverage, target scores and plans.
//
//   Import/    one format per file — CSVPairImporter (nodes.csv + links.csv, the networkx
//              reference's columns, CSVScanner over mapped bytes), SNDlibImporter (native format),
//              GeoJSONImporter (Points/LineStrings; the watra-fiber folder layout),
//              GraphMLImporter (Topology Zoo, libxml2 SAX2 via GraphMLSAX); InputFile
//              opens every file (regular files only); TopologyLoader detects the format;
//              MediumInference holds every label → medium/tier/flag rule.
//   Model/     Topology (the shared contract), Topology+Graph (to NetworkGraph's Multigraph).
//   Coverage/  CoverageScorer → CoverageReport: per-node columns (hops, bottleneck capacity,
//              fiber on a widest path, path km, latency, behind a bridge, IPv6 end to end),
//              NetworkSummary, AccessSummary per village set / region / tier, AccessNodeRow.
//   Targets/   TargetProfile/TargetCatalog (Resources/target-profiles.json, derived from
//              shared/targets) and TargetScorer (met/missed, gap in the target's unit, regions behind).
//   Planning/  FiberPlanner: Steiner-tree fiber extension over candidate links, works by
//              households per km, coverage after.
//   Synth/     SyntheticNetwork: deterministic provinces → prefectures → counties → townships → villages.
//   Geo/       GeoGrid: nearest-neighbour buckets for snapping and candidate links.
//
// Definitions follow the docstring of shared/bench/topology_networkx.py; Topologies/README.md
// lists the accepted schemas and every inference.

/// This module's SwiftPM resource bundle (`<package>_<target>`), looked up beside the
/// executable first (`BundledResource`), then through `Bundle.module`.
enum TopologyCoverageResources {
    static let bundle = "NetCensus_TopologyCoverage"
}
