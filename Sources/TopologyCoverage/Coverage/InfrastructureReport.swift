import NetworkGraph

/// Data-centre reach, international egress and backbone capacity between regions: the parts of
/// the plan beyond village access ("optimise the layout of Internet data centres ... enrich
/// international routes and landing cables ... raise backbone transmission capacity").
/// Every section is empty (nil or []) when the topology lacks what it needs: IDC roles, landing
/// stations or international links, backbone nodes in two or more level-1 regions.
public struct InfrastructureReport: Sendable {
    /// IDC reach per node and per group; nil when no node has role `idc`.
    public var idcReach: IDCReach?
    /// International egress; nil when no node is a landing station / international gateway and
    /// no link is marked international.
    public var international: InternationalEgress?
    /// Backbone min cut per pair of level-1 regions, regions in name order.
    public var backboneCuts: BackboneCapacity?

    public init(idcReach: IDCReach? = nil, international: InternationalEgress? = nil, backboneCuts: BackboneCapacity? = nil) {
        self.idcReach = idcReach; self.international = international; self.backboneCuts = backboneCuts
    }
}

/// Runs the three infrastructure analyses for `CoverageScorer`.
public enum InfrastructureAnalysis {
    /// - Parameters: the scored topology `t`, its multigraph `g`, the report so far (selection,
    ///   options), per-link km and latency (ms) as the scorer weighted them (unknown length 0),
    ///   per-link capacity in Mbps under the unknown-capacity rule, and the scorer's timer.
    /// - Returns: the `InfrastructureReport`. Never throws (roles that do not parse are ignored;
    ///   the CLI refuses them at load with `Topology.validateInfrastructureAttributes`).
    static func analyze(_ t: Topology, graph g: Multigraph, report r: CoverageReport, linkKm: [Double],
                        linkLatencyMs: [Double], capacityMbps: [Double], stages: StageTimings) -> InfrastructureReport {
        var out = InfrastructureReport()
        let roles = t.nodeRoles()
        let idcs = roles.indices.filter { roles[$0].contains(.idc) }
        if !idcs.isEmpty {
            out.idcReach = stages.time("idc_reach") {
                IDCReach.compute(t, graph: g, report: r, idcs: idcs, linkKm: linkKm, linkLatencyMs: linkLatencyMs,
                                 capacityMbps: capacityMbps)
            }
        }
        let landings = roles.indices.filter { roles[$0].contains(where: \.isInternationalEnd) }
        if !landings.isEmpty || t.links.indices.contains(where: { !t.links[$0].attributes.isEmpty && t.links[$0].isInternational }) {
            out.international = stages.time("international_egress") {
                InternationalEgress.compute(t, graph: g, backbone: r.selection.backbone, landings: landings,
                                            capacityMbps: capacityMbps)
            }
        }
        let clock = ContinuousClock.now
        out.backboneCuts = BackboneCapacity.compute(t, graph: g, backbone: r.selection.backbone, capacityMbps: capacityMbps)
        if out.backboneCuts != nil { stages.record("backbone_cuts", since: clock) }
        return out
    }
}
