import TopologyCoverage

extension TopologyText {
    /// A link as "A–B (medium, 10000 Mbps)" for the tables; ids escaped.
    static func linkLabel(_ j: Int, _ t: Topology) -> String {
        let l = t.links[j]
        return "\(clean(t.nodes[l.a].id, max: 20))–\(clean(t.nodes[l.b].id, max: 20)) (\(l.medium.rawValue), \(l.capacityMbps.map { mbps($0) + " Mbps" } ?? "capacity unknown"))"
    }

    /// The infrastructure sections of the `topology score` table: IDC reach (villages, urban,
    /// the `regionsShown` regions with the lowest share within 20 ms), international egress, and
    /// the `pairsShown` region pairs with the smallest backbone cut. Empty when the topology has
    /// no IDC, no landing station or international link, and backbone nodes in fewer than two
    /// regions. Latency in ms, capacity in Mbps.
    public static func infrastructureLines(_ r: CoverageReport, topology t: Topology, regionsShown: Int = 10, pairsShown: Int = 10) -> [String] {
        var o: [String] = []
        let x = r.infrastructure
        if let idc = x.idcReach {
            o.append("Data centres (IDC: \(idc.idcs.count) node(s) with role idc; nearest = lowest propagation latency)")
            let bounds = IDCReach.boundsMs.map { "<= \(mbps($0)) ms" }
            var groups = Array(idc.groups.prefix(while: { $0.group == "villages" || $0.group == "urban" }))
            let regions = idc.groups.dropFirst(groups.count).sorted { ($0.withinShare(1) ?? 0, $0.group) < ($1.withinShare(1) ?? 0, $1.group) }
            groups += regions.prefix(regionsShown)
            let rows = groups.map { g -> [String] in
                [clean(g.group, max: 32), String(g.nodes), String(g.reached), String(g.households)]
                    + g.boundsMs.indices.map { pct(g.withinShare($0)) }
                    + [num(g.latencyMedianMs, 2), num(g.latencyMaxMs, 2), String(g.latencyLowerBounds), num(g.hopsMean, 1),
                       mbps(g.bottleneckMedianMbps)]
            }
            o.append(table(["group", "nodes", "reached", "households"] + bounds.map { "hh \($0)" }
                           + ["median ms", "max ms", "lower bounds", "mean hops", "median Mbps"], rows)
                .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            if !regions.isEmpty && regions.count > regionsShown { o.append("  (\(regionsShown) of \(regions.count) regions shown: lowest share within 20 ms first)") }
            o.append("")
        }
        if let e = x.international {
            o.append("International egress")
            o.append("  landing stations / gateways: \(e.landingStations.count) (\(e.landingStations.prefix(8).map { clean(t.nodes[$0].id, max: 20) }.joined(separator: ", "))\(e.landingStations.count > 8 ? ", …" : ""))")
            o.append("  international links: \(e.internationalLinks.count), in service \(e.linksInService.count); capacity \(mbps(e.capacityMbps)) Mbps\(e.linksUnknownCapacity > 0 ? " (\(e.linksUnknownCapacity) of unknown capacity, counted as \(mbps(r.options.unknownCapacityMbps)) Mbps)" : "")")
            o.append("  diversity: \(e.diversity) edge-disjoint path(s) from the backbone to distinct landing stations\(e.diversity <= 1 ? " (a single link failure can cut every landing station off)" : "")")
            if let w = e.worstFailure {
                let what = w.link.map { "link " + linkLabel($0, t) } ?? w.node.map { "node " + clean(t.nodes[$0].id) } ?? "-"
                o.append("  worst single failure: \(what) removes \(mbps(w.lostMbps)) Mbps (\(w.linksLost.count) link(s)); \(mbps(e.capacityMbps - w.lostMbps)) Mbps left")
            }
            o.append("")
        }
        if let b = x.backboneCuts {
            o.append("Backbone capacity between level-1 regions (min cut over backbone links; \(b.regions.count) regions, \(b.pairs.count) pairs)")
            if b.linksUnknownCapacity > 0 { o.append("  \(b.linksUnknownCapacity) backbone link(s) of unknown capacity counted as \(mbps(r.options.unknownCapacityMbps)) Mbps: cuts are lower bounds") }
            let rows = b.weakest(pairsShown).map { p -> [String] in
                [clean(p.regionA, max: 24), clean(p.regionB, max: 24), mbps(p.minCutMbps),
                 p.bottleneckLinks.prefix(3).map { linkLabel($0, t) }.joined(separator: "; ") + (p.bottleneckLinks.count > 3 ? "; …" : "")]
            }
            o.append(table(["region", "region", "min cut Mbps", "bottleneck links"], rows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            o.append("")
        }
        return o
    }
}
