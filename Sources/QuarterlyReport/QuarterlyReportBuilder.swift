import CaptureTargets
import ReportHistory
import TopologyCoverage
import TrafficAnalysis
import TransitionAnalysis

/// What the quarter's captures gave: the merged adoption summary, the transition analysis over
/// every capture in order, the merged CDN figures (nil when not run), and capture target results.
public struct CaptureFindings: Sendable {
    public var total: AdoptionSummary
    public var transition: TransitionSummary
    public var cdn: CDNSummary?
    public var targets: [(profile: TargetProfile, network: CaptureNetwork?, results: [CaptureTargetResult])]
    public init(total: AdoptionSummary, transition: TransitionSummary, cdn: CDNSummary?,
                targets: [(profile: TargetProfile, network: CaptureNetwork?, results: [CaptureTargetResult])]) {
        self.total = total; self.transition = transition; self.cdn = cdn; self.targets = targets
    }
}

/// What the quarter's topology gave: the score, the target results per profile and the fiber plan.
public struct TopologyFindings: Sendable {
    public var name: String
    public var topology: Topology
    public var report: CoverageReport
    public var targets: [(profile: TargetProfile, results: [TargetResult])]
    public var plan: FiberPlan?
    public init(name: String, topology: Topology, report: CoverageReport, targets: [(profile: TargetProfile, results: [TargetResult])], plan: FiberPlan?) {
        self.name = name; self.topology = topology; self.report = report; self.targets = targets; self.plan = plan
    }
}

/// Builds the quarter's `ReportDocument` from the analyses (docs/report.md lists every figure,
/// its key and its definition). Pure: the same findings and history give the same document.
public enum QuarterlyReportBuilder {
    /// - Parameters:
    ///   - history: rows of stored quarters (`HistoryStore.rows`; any order; this quarter's own rows are ignored,
    ///     since this run replaces them).
    /// - Returns: the document; sections for what is absent (no captures, no topology) are left out.
    public static func build(quarter: QuarterID, run: ReportRun, capture: CaptureFindings?, topology: TopologyFindings?,
                             history: [HistoryRow]) -> ReportDocument {
        var figures: [ReportFigure] = []
        if let c = capture { figures += captureFigures(c) }
        if let t = topology { figures += topologyFigures(t) }
        // Earlier quarters only, indexed once by (quarter, section, key): every lookup below is
        // O(1), so many stored quarters cost linear time. Trends show the latest `trendQuarters`.
        let past = history.filter { $0.quarter < quarter }
        var pastIndex: [StoredKey: Double?] = [:]
        for h in past { pastIndex[StoredKey(quarter: h.quarter, section: h.figure.section, key: h.figure.key)] = h.figure.value }
        func stored(_ q: QuarterID, _ section: String, _ key: String) -> Double? { pastIndex[StoredKey(quarter: q, section: section, key: key)] ?? nil }
        let quarters = Array(Set(past.map(\.quarter) + [quarter]).sorted().suffix(Self.trendQuarters))
        // Quarter-on-quarter: the calendar quarter before, when it is stored (as `report history`).
        func previous(_ section: String, _ key: String) -> Double? { stored(quarter.previous, section, key) }
        let headlineKeys: [(String, String, String)] = [
            ("capture", "ipv6_share_bytes", "IPv6 share of traffic (bytes)"),
            ("capture", "ipv6_share_connections", "IPv6 share of connections"),
            ("capture", "devices_using_ipv6_share", "Devices using IPv6"),
            ("capture", "names_with_aaaa_share", "Looked-up names with AAAA"),
            ("topology", "village_broadband_share", "Villages with broadband"),
            ("topology", "village_fiber_share", "Villages with fiber all the way"),
            ("topology", "village_behind_bridge_share", "Villages behind a single point of failure"),
        ]
        let byKey = Dictionary(figures.map { ($0.section + "/" + $0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let headline = headlineKeys.compactMap { s, k, label -> HeadlineFigure? in
            guard let f = byKey[s + "/" + k] else { return nil }
            return HeadlineFigure(key: k, label: label, value: f.value, unit: f.unit, previous: previous(s, k))
        }
        func series(_ section: String, _ key: String) -> [Double?] {
            quarters.map { q in q == quarter ? byKey[section + "/" + key]?.value : stored(q, section, key) }
        }
        let quarterLabels = quarters.map(\.description)

        var sections: [ReportSection] = []
        if let c = capture { sections += captureSections(c, quarters: quarterLabels, series: series) }
        if let t = topology { sections += topologySections(t, quarters: quarterLabels, series: series) }
        sections.append(methods(run))
        return ReportDocument(quarter: quarter.description, title: "NetCensus quarterly report \(quarter)", run: run, figures: figures,
                              headline: headline, sections: sections)
    }

    /// Quarters drawn in trend charts: this one and the 39 before it that are stored (10 years).
    public static let trendQuarters = 40

    /// A profile name as a key part (section ids, CSV file names): `a-z 0-9 - _` only, at most
    /// 64 characters. Catalog names are checked at load already; this is the second line.
    static func slug(_ s: String) -> String {
        var out = ""
        for u in s.lowercased().unicodeScalars.prefix(64) {
            out.unicodeScalars.append((("a"..."z").contains(u) || ("0"..."9").contains(u) || u == "-" || u == "_") ? u : "_")
        }
        return out.isEmpty ? "_" : out
    }

    /// A stored figure's place: quarter, section, key.
    struct StoredKey: Hashable { var quarter: QuarterID, section: String, key: String }

    static func pct(_ part: Int, _ whole: Int) -> Double? { whole > 0 ? 100 * Double(part) / Double(whole) : nil }
    static func pct(_ part: UInt64, _ whole: UInt64) -> Double? { whole > 0 ? 100 * Double(part) / Double(whole) : nil }

    // MARK: captures

    static func captureFigures(_ c: CaptureFindings) -> [ReportFigure] {
        let t = c.transition
        let counted = max(0, t.deviceCounts.devices - t.deviceCounts.localOnly)
        var f: [ReportFigure] = [
            .init(section: "capture", key: "packets", value: Double(c.total.packets), unit: .count),
            .init(section: "capture", key: "bytes", value: Double(c.total.bytes), unit: .bytes),
            .init(section: "capture", key: "ipv6_share_packets", value: t.packets.ipv6Share.map { $0 * 100 }, unit: .percent),
            .init(section: "capture", key: "ipv6_share_bytes", value: t.bytes.ipv6Share.map { $0 * 100 }, unit: .percent),
            .init(section: "capture", key: "ipv6_share_connections", value: t.connections.ipv6Share.map { $0 * 100 }, unit: .percent),
            .init(section: "capture", key: "translated_share_bytes", value: t.bytes.translatedShare.map { $0 * 100 }, unit: .percent),
            .init(section: "capture", key: "devices", value: Double(counted), unit: .count),
            .init(section: "capture", key: "devices_using_ipv6_share", value: pct(t.deviceCounts.usingIPv6, counted), unit: .percent),
            .init(section: "capture", key: "devices_ipv6_only_share", value: pct(t.deviceCounts.ipv6Only, counted), unit: .percent),
            .init(section: "capture", key: "names_with_aaaa_share", value: pct(t.destinations.withAAAA, t.destinations.namesLookedUp), unit: .percent),
            .init(section: "capture", key: "ipv6_preferred_share", value: t.preference.share.map { $0 * 100 }, unit: .percent),
            .init(section: "capture", key: "happy_eyeballs_races", value: Double(t.happyEyeballs.races), unit: .count),
            .init(section: "capture", key: "happy_eyeballs_ipv6_won_share", value: t.happyEyeballs.ipv6WonShare.map { $0 * 100 }, unit: .percent),
            .init(section: "capture", key: "happy_eyeballs_fallback_rate", value: t.happyEyeballs.fallbackRate.map { $0 * 100 }, unit: .percent),
            .init(section: "capture", key: "connection_attempt_delay_median", value: t.happyEyeballs.connectionAttemptDelay.percentileMilliseconds(50), unit: .ms),
        ]
        for (profile, _, results) in c.targets {
            for r in results where r.kind != nil {
                f.append(.init(section: "capture_targets", key: profile.name + "/" + r.id, value: r.measured, unit: .percent))
            }
        }
        return f
    }

    static func captureSections(_ c: CaptureFindings, quarters: [String], series: (String, String) -> [Double?]) -> [ReportSection] {
        let t = c.transition
        var out: [ReportSection] = []
        func shareRow(_ label: String, _ s: TransitionSummary.Share) -> [ReportCell] {
            [.text(label), .integer(Int64(clamping: s.ipv6)), .integer(Int64(clamping: s.translated)), .integer(Int64(clamping: s.ipv4)),
             s.ipv6Share.map { .number($0 * 100, digits: 1) } ?? .empty, s.translatedShare.map { .number($0 * 100, digits: 1) } ?? .empty]
        }
        let adoption = ReportTable(key: "adoption", title: "IPv6 adoption: IPv6 (native and tunnelled), NAT64-translated and IPv4",
            columns: [ReportColumn("measure", "measure"), ReportColumn("ipv6", "IPv6", .count), ReportColumn("translated", "translated", .count),
                      ReportColumn("ipv4", "IPv4", .count), ReportColumn("ipv6_share", "IPv6 share", .percent), ReportColumn("translated_share", "translated share", .percent)],
            rows: [shareRow("packets", t.packets), shareRow("bytes", t.bytes), shareRow("connections", t.connections), shareRow("devices", t.deviceShare)])
        var blocks: [ReportBlock] = [
            .paragraph("Shares over IPv6 + translated + IPv4, where IPv6 is native IPv6 and IPv6 carried in tunnels (6in4, 6to4, Teredo, ...: the mechanism table below splits it) and translation (NAT64, 464XLAT) never counts as IPv6 adoption. \(c.total.packets) packets, \(c.total.bytes) bytes read."),
            .table(adoption),
            .chart(.bars(key: "adoption", title: "IPv6 share this quarter", unit: .percent, series: ["IPv6", "translated"],
                         groups: [("packets", t.packets), ("bytes", t.bytes), ("connections", t.connections), ("devices", t.deviceShare)].map { label, s in
                             (label, [s.ipv6Share.map { $0 * 100 }, s.translatedShare.map { $0 * 100 }]) })),
            .chart(.trend(key: "adoption_trend", title: "IPv6 share over the stored quarters", unit: .percent, quarters: quarters,
                          series: [("traffic (bytes)", series("capture", "ipv6_share_bytes")),
                                   ("connections", series("capture", "ipv6_share_connections")),
                                   ("devices using IPv6", series("capture", "devices_using_ipv6_share"))])),
        ]
        let d = t.deviceCounts
        blocks.append(.table(ReportTable(key: "devices", title: "Devices (local connection originators; docs/transition.md)",
            columns: [ReportColumn("class", "stack class"), ReportColumn("devices", "devices", .count)],
            rows: [("dual stack", d.dualStack), ("IPv4 only", d.ipv4Only), ("IPv6 only", d.ipv6Only), ("local only", d.localOnly),
                   ("using IPv6", d.usingIPv6), ("using IPv6 natively", d.usingIPv6Natively)].map { [.text($0.0), .integer(Int64($0.1))] })))
        out.append(ReportSection(key: "capture_adoption", title: "IPv6 adoption in the captures", blocks: blocks))

        let mech = t.mechanisms.filter { $0.packets > 0 }
        out.append(ReportSection(key: "transition", title: "Transition mechanisms", blocks: [
            .table(ReportTable(key: "mechanisms", title: "Traffic per transition mechanism",
                columns: [ReportColumn("mechanism", "mechanism"), ReportColumn("packets", "packets", .count), ReportColumn("bytes", "bytes", .bytes),
                          ReportColumn("connections", "connections", .count), ReportColumn("devices", "devices", .count)],
                rows: mech.map { [.text($0.mechanism.name), .integer(Int64(clamping: $0.packets)), .integer(Int64(clamping: $0.bytes)),
                                  .integer(Int64(clamping: $0.connections)), .integer(Int64($0.devices))] })),
            .paragraph("NAT64 prefixes in use: " + (t.nat64Prefixes.isEmpty ? "none seen" : t.nat64Prefixes.map { "\($0.prefix)" }.joined(separator: ", ")) + "."),
        ]))

        let h = t.happyEyeballs
        if h.races > 0 {
            func ms(_ q: Double, _ dist: DurationDistribution) -> ReportCell { dist.percentileMilliseconds(q).map { .number($0, digits: 1) } ?? .empty }
            out.append(ReportSection(key: "happy_eyeballs", title: "Happy Eyeballs (RFC 8305), reconstructed from the captures", blocks: [
                .table(ReportTable(key: "happy_eyeballs", title: "Races and their outcomes",
                    columns: [ReportColumn("figure", "figure"), ReportColumn("value", "value", .count)],
                    rows: [("races", h.races), ("races with both families attempted", h.racesBothFamiliesAttempted), ("IPv6 tried first", h.ipv6First),
                           ("IPv4 tried first", h.ipv4First), ("IPv6 won", h.ipv6Won), ("IPv4 won", h.ipv4Won), ("fallbacks to IPv4", h.fallbacks),
                           ("devices with broken IPv6", h.brokenIPv6Devices)].map { [.text($0.0), .integer(Int64($0.1))] })),
                .table(ReportTable(key: "happy_eyeballs_delays", title: "Connection Attempt Delay and Resolution Delay (ms)",
                    columns: [ReportColumn("delay", "delay"), ReportColumn("count", "races", .count), ReportColumn("median", "median", .ms), ReportColumn("p90", "p90", .ms)],
                    rows: [["Connection Attempt Delay" as String, h.connectionAttemptDelay] as [Any], ["Resolution Delay", h.resolutionDelay]].map { pair in
                        let dist = pair[1] as! DurationDistribution
                        return [.text(pair[0] as! String), .integer(Int64(clamping: dist.count)), ms(50, dist), ms(90, dist)]
                    })),
            ]))
        }

        if let cdn = c.cdn, !cdn.providers.contains(where: { $0.value.ipv4.allAttempts + $0.value.ipv6.allAttempts > 0 }) {
            out.append(ReportSection(key: "cdn", title: "CDN reachability over IPv4 and IPv6", blocks: [
                .paragraph("The CDN analysis ran over every capture: no connection was attributed to a provider of the rules (\(cdn.connections) connections looked at, \(cdn.unattributed) not attributed; docs/cdn.md)."),
            ]))
        }
        if let cdn = c.cdn, cdn.providers.contains(where: { $0.value.ipv4.allAttempts + $0.value.ipv6.allAttempts > 0 }) {
            let providers = cdn.providers.sorted { $0.value.ipv4.allAttempts + $0.value.ipv6.allAttempts > $1.value.ipv4.allAttempts + $1.value.ipv6.allAttempts || ($0.value.ipv4.allAttempts + $0.value.ipv6.allAttempts == $1.value.ipv4.allAttempts + $1.value.ipv6.allAttempts && $0.key < $1.key) }
            out.append(ReportSection(key: "cdn", title: "CDN reachability over IPv4 and IPv6", blocks: [
                .table(ReportTable(key: "cdn", title: "Per provider and family (docs/cdn.md)",
                    columns: [ReportColumn("provider", "provider"), ReportColumn("attempts_ipv4", "attempts IPv4", .count), ReportColumn("reached_ipv4", "reached IPv4", .count),
                              ReportColumn("attempts_ipv6", "attempts IPv6", .count), ReportColumn("reached_ipv6", "reached IPv6", .count),
                              ReportColumn("verdict", "verdict")],
                    rows: providers.map { name, g in
                        [.text(name), .integer(Int64(clamping: g.ipv4.allAttempts)), .integer(Int64(clamping: g.ipv4.reachedConnections)),
                         .integer(Int64(clamping: g.ipv6.allAttempts)), .integer(Int64(clamping: g.ipv6.reachedConnections)), .text(g.verdict.rawValue)]
                    })),
                .chart(.bars(key: "cdn", title: "Connections reached per provider and family", unit: .count, series: ["IPv4", "IPv6"],
                             groups: providers.prefix(12).map { ($0.key, [Double($0.value.ipv4.reachedConnections), Double($0.value.ipv6.reachedConnections)]) })),
            ]))
        }

        for (profile, network, results) in c.targets {
            out.append(ReportSection(key: "capture_targets_" + slug(profile.name), title: "Capture targets: \(profile.title)", blocks: [
                .paragraph("Network: \(network?.rawValue ?? "not given (traffic-share rows are not measurable)"). Every capture figure is a proxy for a national measurement; the proxy column says how."),
                .table(targetTable(key: "capture_targets_" + slug(profile.name), title: profile.name, rows: results.map { r in
                    (r.id, r.metric, r.comparator.rawValue, r.target.map { .number($0, digits: 1) } ?? r.targetText.map(ReportCell.text) ?? .empty,
                     r.measured.map { .number($0, digits: 1) } ?? .empty, r.status, r.gap.map { .number($0, digits: 1) } ?? .empty,
                     r.reason ?? r.proxy.map { "proxy: " + $0 } ?? "", r.confidence.rawValue)
                })),
            ]))
        }
        return out
    }

    static func targetTable(key: String, title: String, rows: [(String, String, String, ReportCell, ReportCell, TargetStatus, ReportCell, String, String)]) -> ReportTable {
        ReportTable(key: key, title: title,
            columns: [ReportColumn("id", "target"), ReportColumn("metric", "metric"), ReportColumn("comparator", "comparator"),
                      ReportColumn("target", "target"), ReportColumn("measured", "measured"), ReportColumn("status", "status"),
                      ReportColumn("gap", "gap"), ReportColumn("note", "reason or proxy"), ReportColumn("confidence", "confidence")],
            rows: rows.map { [.text($0.0), .text($0.1), .text($0.2), $0.3, $0.4, .status($0.5), $0.6, .text($0.7), .text($0.8)] })
    }

    // MARK: topology

    static func topologyFigures(_ t: TopologyFindings) -> [ReportFigure] {
        let v = t.report.villages
        var f: [ReportFigure] = [
            .init(section: "topology", key: "villages", value: Double(v.nodes), unit: .count),
            .init(section: "topology", key: "households", value: Double(v.households), unit: .count),
            .init(section: "topology", key: "village_broadband_share", value: v.broadbandShare.map { $0 * 100 }, unit: .percent),
            .init(section: "topology", key: "village_fiber_share", value: v.fiberShare.map { $0 * 100 }, unit: .percent),
            .init(section: "topology", key: "village_behind_bridge_share", value: v.behindBridgeShare.map { $0 * 100 }, unit: .percent),
            .init(section: "topology", key: "village_ipv6_share", value: v.ipv6Share.map { $0 * 100 }, unit: .percent),
            .init(section: "topology", key: "broadband_households_share", value: v.broadbandHouseholdsShare.map { $0 * 100 }, unit: .percent),
            .init(section: "topology", key: "per_household_median_mbps", value: v.perHouseholdMedianMbps, unit: .mbps),
        ]
        for (profile, results) in t.targets {
            for r in results {
                f.append(.init(section: "topology_targets", key: profile.name + "/" + r.check.id, value: r.measured, unit: r.gapUnit == .mbps ? .mbps : .percent))
            }
        }
        if let p = t.plan { f.append(.init(section: "topology", key: "plan_km", value: p.totalKm, unit: .km)) }
        return f
    }

    static func topologySections(_ t: TopologyFindings, quarters: [String], series: (String, String) -> [Double?]) -> [ReportSection] {
        let r = t.report
        func share(_ x: Double?) -> ReportCell { x.map { .number($0 * 100, digits: 1) } ?? .empty }
        func summaryRow(_ s: AccessSummary) -> [ReportCell] {
            [.text(s.group), .integer(Int64(s.nodes)), .integer(Int64(s.households)), share(s.broadbandShare), share(s.fiberShare),
             share(s.behindBridgeShare), share(s.ipv6Share), s.perHouseholdMedianMbps.map { .number($0, digits: 1) } ?? .empty]
        }
        let cols = [ReportColumn("group", "region / tier"), ReportColumn("villages", "villages", .count), ReportColumn("households", "households", .count),
                    ReportColumn("broadband", "broadband", .percent), ReportColumn("fiber", "fiber all the way", .percent),
                    ReportColumn("behind_bridge", "behind a bridge", .percent), ReportColumn("ipv6", "IPv6 end to end", .percent),
                    ReportColumn("per_household_median", "median per household", .mbps)]
        // Regions, worst broadband share first (ties by name), so the regions furthest behind lead.
        let regions = r.byRegion.sorted { ($0.broadbandShare ?? 2, $0.group) < ($1.broadbandShare ?? 2, $1.group) }
        var points: [MapPoint] = []
        for v in r.selection.villages {
            let n = t.topology.nodes[v]
            guard let lat = n.latitude, let lon = n.longitude, lat.isFinite, lon.isFinite else { continue }
            points.append(MapPoint(longitude: lon, latitude: lat, status: r.fiberPath[v] && r.bottleneckMbps[v] > 0 ? .fiber : (r.bottleneckMbps[v] > 0 ? .broadband : .unreached)))
        }
        let withoutCoordinates = r.selection.villages.count - points.count
        let thinned = MapThinning.thin(points)
        var coverage: [ReportBlock] = [
            .paragraph("Topology \(t.name): \(r.villages.nodes) villages, \(r.villages.households) households; contention ratio \(r.options.contentionRatio)."),
            .table(ReportTable(key: "coverage_by_region", title: "Coverage by region (worst first)", columns: cols, rows: regions.map(summaryRow))),
            .table(ReportTable(key: "coverage_by_tier", title: "Coverage by tier", columns: cols, rows: r.byTier.map(summaryRow))),
            .chart(.trend(key: "coverage_trend", title: "Village coverage over the stored quarters", unit: .percent, quarters: quarters,
                          series: [("broadband", series("topology", "village_broadband_share")), ("fiber all the way", series("topology", "village_fiber_share")),
                                   ("behind a bridge", series("topology", "village_behind_bridge_share"))])),
        ]
        if !points.isEmpty {
            coverage.append(.chart(.map(key: "villages", title: "Villages by coverage", points: thinned.points, omitted: thinned.omitted,
                                        withoutCoordinates: withoutCoordinates)))
        }
        let worst = r.worstVillages.map { r.row($0, in: t.topology) }
        coverage.append(.table(ReportTable(key: "worst_villages", title: "Worst villages (lowest capacity per household)",
            columns: [ReportColumn("id", "id"), ReportColumn("name", "name"), ReportColumn("region", "region"), ReportColumn("households", "households", .count),
                      ReportColumn("per_household_mbps", "per household", .mbps), ReportColumn("fiber", "fiber all the way"), ReportColumn("behind_bridge", "behind a bridge")],
            rows: worst.map { w in [.text(w.id), .text(w.name), .text(w.region), .integer(Int64(w.households)),
                                    w.perHouseholdMbps.map { .number($0, digits: 2) } ?? .empty, .text(w.fiberAllTheWay ? "yes" : "no"), .text(w.behindBridge ? "yes" : "no")] })))
        var out = [ReportSection(key: "coverage", title: "Broadband coverage of villages", blocks: coverage)]
        for (profile, results) in t.targets {
            out.append(ReportSection(key: "topology_targets_" + slug(profile.name), title: "Coverage targets: \(profile.title)", blocks: [
                .table(targetTable(key: "topology_targets_" + slug(profile.name), title: profile.name, rows: results.map { x in
                    // Percent and Mbps alike read with one decimal.
                    return (x.check.id, x.check.metric, x.check.comparator.rawValue, .number(x.check.value, digits: 1),
                            x.measured.map { .number($0, digits: 1) } ?? .empty, x.status, x.gap.map { .number($0, digits: 1) } ?? .empty,
                            x.notMeasurable ?? x.notApplicable ?? x.check.proxy.map { "proxy: " + $0 } ?? (x.regionsBehind.isEmpty ? "" : "furthest behind: " + x.regionsBehind.map(\.region).joined(separator: ", ")),
                            x.check.confidence.rawValue)
                })),
            ]))
        }
        if let p = t.plan, !p.works.isEmpty {
            let works = p.works.sorted { $0.householdsPerCost > $1.householdsPerCost || ($0.householdsPerCost == $1.householdsPerCost && $0.km < $1.km) }
            out.append(ReportSection(key: "fiber_plan", title: "Fiber plan: top works", blocks: [
                .paragraph("\(p.works.count) works, \(String(format: p.totalKm, digits: 1)) km in all (docs: topology plan). Top works by households reached per unit of cost."),
                .table(ReportTable(key: "fiber_plan", title: "Top works",
                    columns: [ReportColumn("rank", "rank"), ReportColumn("villages", "villages", .count), ReportColumn("households", "households", .count),
                              ReportColumn("km", "km", .km), ReportColumn("cost", "cost (\(p.options.currency))"), ReportColumn("first_village", "first village")],
                    rows: works.prefix(15).enumerated().map { i, w in
                        [.integer(Int64(i + 1)), .integer(Int64(w.villages.count)), .integer(Int64(w.households)), .number(w.km, digits: 1), .number(w.cost, digits: 0),
                         .text(w.villages.first.map { t.topology.nodes[$0].name } ?? "")]
                    }, note: p.works.count > 15 ? "\(p.works.count - 15) more works: netcensus topology plan lists them all." : nil)),
            ]))
        }
        return out
    }

    // MARK: methods

    static func methods(_ run: ReportRun) -> ReportSection {
        ReportSection(key: "methods", title: "Methods", blocks: [
            .table(ReportTable(key: "inputs", title: "Inputs",
                columns: [ReportColumn("path", "file"), ReportColumn("kind", "kind"), ReportColumn("bytes", "size", .bytes), ReportColumn("sha256", "SHA-256"),
                          ReportColumn("first", "first packet"), ReportColumn("last", "last packet")],
                rows: run.inputs.map { [.text($0.path), .text($0.kind), .integer($0.bytes), .text($0.sha256),
                                        $0.firstTimestamp.map(ReportCell.text) ?? .empty, $0.lastTimestamp.map(ReportCell.text) ?? .empty] })),
            .paragraph("Tool: \(run.toolVersion). Options: \(run.options.isEmpty ? "none" : run.options.joined(separator: " "))."),
            .definitions(definitions),
        ])
    }

    static let definitions: [(term: String, text: String)] = [
        ("IPv6 share of traffic (bytes)", "IPv6 bytes (native and tunnelled) / (IPv6 + NAT64/464XLAT-translated + IPv4 bytes) over every capture of the quarter, as captured (frame length); docs/transition.md, \"Adoption with NAT64 apart\"."),
        ("IPv6 share of connections", "The same ratio over connection records (TCP, UDP flows as Zeek's conn.log defines them)."),
        ("Devices", "Connection originators inside --local-prefix (or on the capture's LAN side), one per MAC where bound (ARP, DHCPv4, frames), routers excluded; docs/transition.md, \"Devices\". Devices using IPv6: at least one own non-link-local IPv6 or translated connection; share over devices that are not local-only."),
        ("Looked-up names with AAAA", "Names of A/AAAA questions with at least one non-synthesized AAAA answer / names looked up."),
        ("Happy Eyeballs race", "A device's A/AAAA lookups for one name and its connection attempts to the answered addresses; Connection Attempt Delay = first IPv4 attempt minus first IPv6 attempt (RFC 8305 section 5); docs/transition.md, \"Happy Eyeballs\". Medians and p90 are nearest-rank percentiles."),
        ("Villages with broadband", "Villages whose bottleneck capacity to the backbone is above 0 Mbps (widest path)."),
        ("Fiber all the way", "Villages whose widest path to the backbone uses fiber links only."),
        ("Behind a single point of failure", "Villages whose edge connectivity to the backbone is 1: a bridge on every path."),
        ("Quarter-on-quarter change", "This quarter's figure minus the same figure of the calendar quarter before, when that quarter is stored in the history database; percentage points for shares."),
        ("Target status", "met / missed under the source's comparator (= read as >=); not measurable when the data cannot answer (reason given); n/a when the row is for another network or nothing is there to measure."),
    ]
}
