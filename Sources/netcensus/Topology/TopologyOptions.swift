import ArgumentParser
import Foundation
import TopologyCoverage

/// Input and scoring options shared by `topology score` and `topology plan`.
struct TopologyInputOptions: ParsableArguments {
    @Argument(help: "Topology: .graphml, SNDlib .txt, .geojson, a nodes.csv (with links.csv beside it), or a directory (nodes.csv + links.csv, or nodes/ + lines/ GeoJSON).")
    var file: String

    @Option(name: .long, help: "Target profile name (see `netcensus topology targets`) or a profile JSON file.")
    var targets: String = "broadband-china-2020"

    @Option(name: .long, help: "Contention ratio N (N:1) for capacity per household.")
    var contention: Double = 20

    @Option(name: .long, help: ArgumentHelp("Mbps assumed for links of unknown capacity. Without it such links are unusable (0 Mbps, as the networkx reference) and capacity-based target checks are reported as not measurable.", valueName: "MBPS"))
    var unknownCapacity: Double?

    @Option(name: .long, help: "Comma-separated backbone node ids or names (default: tier backbone, else the highest-degree node).")
    var backbone: String?

    @Flag(name: .long, help: "Without tiers or --backbone: take the highest-degree node of every component of 2 or more nodes as backbone (datasets of several national networks); isolated nodes get none.")
    var backbonePerComponent = false

    @Option(name: .long, help: "Region path depth used for per-region figures (1 = province).")
    var regionLevel: Int = 1

    @Flag(name: .long, help: "GeoJSON: keep lines whose status is planned/proposed.")
    var includePlanned = false

    func validate() throws {
        // ArgumentParser reads "inf" and "nan" as Doubles; neither is a ratio or a capacity, and
        // either would reach the report as a non-number (exit 64 instead).
        guard contention.isFinite && contention > 0 else { throw ValidationError("--contention must be a finite number > 0 (got \(contention))") }
        if let u = unknownCapacity {
            guard u.isFinite && u >= 0 else { throw ValidationError("--unknown-capacity must be a finite number >= 0 (got \(u))") }
        }
        guard regionLevel >= 1 else { throw ValidationError("--region-level must be >= 1") }
    }

    /// Scoring options; the profile's per-household speeds join the reported thresholds.
    func coverageOptions(for profile: TargetProfile) -> CoverageOptions {
        var o = coverageOptions
        o.thresholdsMbps = Array(Set(o.thresholdsMbps + profile.speedsMbps)).sorted()
        return o
    }

    var coverageOptions: CoverageOptions {
        var o = CoverageOptions(contentionRatio: contention, unknownCapacityMbps: unknownCapacity ?? 0,
                                backboneIds: backbone?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) },
                                regionLevel: regionLevel)
        o.backbonePerComponent = backbonePerComponent
        o.unknownCapacityGiven = unknownCapacity != nil
        return o
    }

    /// Loads a topology file as `topology score` does, printing the one error line and mapping
    /// failures to the documented exit codes (66 cannot open, 65 no topology in it). Shared
    /// with `report`.
    static func loadTopology(_ file: String, includePlanned: Bool) throws -> Topology {
        let topo: Topology
        do {
            var geo: GeoJSONImporter.Options?
            if includePlanned { geo = GeoJSONImporter.Options(defaultMedium: nil, includePlanned: true) }
            if includePlanned, (try? TopologyLoader.detect(file)) == .geojsonDirectory { geo?.defaultMedium = .fiber }
            topo = try TopologyLoader.load(file, geoJSONOptions: geo)
        } catch let e as TopologyImportError {
            // 66 only when the file cannot be opened; a file that opens but holds no
            // recognisable topology (a README, say) is 65.
            TopologyOutput.error("\(e)")
            throw e.cannotOpen ? NetCensusExit.cannotOpen : NetCensusExit.noData
        } catch let e as GraphMLError {
            TopologyOutput.error("\(e)")
            throw e.cannotOpen ? NetCensusExit.cannotOpen : NetCensusExit.noData
        } catch {
            TopologyOutput.error("\(error)"); throw NetCensusExit.noData
        }
        guard !topo.nodes.isEmpty else {
            TopologyOutput.error("\(file): no nodes could be read"); throw NetCensusExit.noData
        }
        return topo
    }

    /// Loads the topology and the profile, mapping failures to the documented exit codes.
    func load() throws -> (Topology, TargetProfile, [String: TargetSource]) {
        let profile: (TargetProfile, [String: TargetSource])
        do { profile = try TargetCatalog.resolve(targets) } catch {
            TopologyOutput.error("\(error)"); throw NetCensusExit.usage
        }
        let topo = try Self.loadTopology(file, includePlanned: includePlanned)
        // Roles (idc, ixp, landing, international_gateway) and link marks (international,
        // generation) become enums here: a misspelt role is bad data, not a missing data centre.
        do { try topo.validateInfrastructureAttributes() } catch {
            TopologyOutput.error("\(file): \(error)"); throw NetCensusExit.noData
        }
        // A mistyped backbone id would score from fewer (or no) backbone nodes and report
        // every village unreached: a usage error, not a warning.
        if let ids = coverageOptions.backboneIds {
            let unknown = BackboneSelection.resolveBackboneIds(ids, in: topo).unmatched
            if ids.isEmpty || !unknown.isEmpty {
                TopologyOutput.error(ids.isEmpty ? "--backbone: no node id given"
                    : "--backbone: no node with id or name \(unknown.map { "'\($0)'" }.joined(separator: ", ")) in \(file)")
                throw NetCensusExit.usage
            }
        }
        return (topo, profile.0, profile.1)
    }
}
