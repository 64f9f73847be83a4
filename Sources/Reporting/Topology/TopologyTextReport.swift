import Foundation
import TopologyCoverage

/// Plain-text tables for `topology score` and `topology plan` (the default output).
/// Names from the input are untrusted: `TopologyText.clean` passes them through
/// `Escaping.terminal` (the one escaping rule) before anything is printed.
public enum TopologyText {
    /// Input text made safe for a terminal by `Escaping.terminal` (control characters, U+2028/9
    /// and U+202E become visible escapes), then capped at `max` characters (the last one "…")
    /// so table columns stay readable.
    public static func clean(_ s: String, max: Int = 48) -> String {
        var out = Escaping.terminal(s)
        if out.count > max { out = String(out.prefix(max - 1)) + "…" }
        return out
    }

    static func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
    static func num(_ x: Double?, _ digits: Int = 1) -> String {
        guard let x else { return "-" }
        if x.isInfinite { return "inf" }
        return String(format: "%.\(digits)f", x)
    }
    /// A number as the tables print it: an integer without ".0", else 2 decimals.
    static func mbps(_ x: Double?) -> String {
        guard let x else { return "-" }
        if x.isInfinite { return "inf" }
        return x == x.rounded() && x.magnitude < 1e12 ? String(Int(x)) : String(format: "%.2f", x)
    }

    /// Renders rows as a left-aligned table (numbers right-aligned when they parse as numbers).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var w = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < w.count { w[i] = Swift.max(w[i], c.count) } }
        func line(_ r: [String]) -> String {
            r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: w[i] - c.count)
                let numeric = c.first.map { $0.isNumber || $0 == "-" } ?? false
                return numeric && i > 0 ? pad + c : c + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header), w.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line)).joined(separator: "\n")
    }

    /// The `topology score` table: network figures, village shares, per-region and per-tier
    /// rows (at most `regionsShown` regions), the worst villages, each target check of `profile`
    /// with its gap, and the import notes. Capacities in Mbps, lengths in km, latency in ms.
    public static func score(input: String, topology t: Topology, report r: CoverageReport, profile: TargetProfile?,
                             results: [TargetResult], regionsShown: Int = 25) -> String {
        var o: [String] = []
        let n = r.network
        o.append("Topology \(clean(n.name)) (\(clean(input, max: 80)))")
        o.append("  \(n.nodes) nodes, \(n.links) links (\(n.selfLoops) self-loops), tiers: \(n.tiers.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        o.append("  backbone: \(r.selection.backbone.count) node(s) by \(n.backboneRule); villages: \(r.selection.villages.count) by \(n.villageRule)")
        if !r.selection.unmatchedIds.isEmpty { o.append("  warning: --backbone ids not found: \(r.selection.unmatchedIds.map { clean($0) }.joined(separator: ", "))") }
        o.append("")
        o.append("Network")
        o.append("  components \(n.components) (largest \(n.largestComponentNodes) nodes), bridges \(n.bridges), articulation points \(n.articulationPoints), diameter of the largest component \(n.diameterHops.map(String.init) ?? "-") hops")
        // Every medium with links; km only where lengths are known.
        let media = n.linksByMedium.keys.sorted().map { "\($0) \(n.kmByMedium[$0].map { num($0, 1) + " km" } ?? "- km") (\(n.linksByMedium[$0]!) links)" }
        o.append("  links by medium: \(media.isEmpty ? "-" : media.joined(separator: ", "))")
        if n.linksWithoutLength > 0 { o.append("  \(n.linksWithoutLength) link(s) without length or coordinates (left out of km; count 0 km in path length)") }
        if n.linksWithoutCapacity > 0 { o.append("  \(n.linksWithoutCapacity) link(s) of unknown capacity, counted as \(mbps(r.options.unknownCapacityMbps)) Mbps (\(r.options.unknownCapacityMbps > 0 ? "--unknown-capacity" : "unusable for bottleneck capacity"))") }
        o.append("")
        let v = r.villages
        o.append("Villages (contention \(num(r.options.contentionRatio, 0)):1, latency at \(num(r.options.latency.guidedMicrosecondsPerKm, 2)) µs/km guided)")
        o.append("  \(v.nodes) villages, \(v.nodesWithHouseholds) with households (\(v.households) households)")
        o.append("  connected \(pct(Double(v.connected) / Double(Swift.max(1, v.nodes)))), broadband \(pct(v.broadbandShare)), fiber all the way \(pct(v.fiberShare)) (households \(pct(v.fiberHouseholdsShare))), behind a bridge \(pct(v.behindBridgeShare)), IPv6 end to end \(pct(v.ipv6Share))")
        o.append("  hops max \(v.hopsMax.map(String.init) ?? "-"), mean \(num(v.hopsMean, 2)); median bottleneck \(mbps(v.bottleneckMedianMbps)) Mbps; median per household \(num(v.perHouseholdMedianMbps, 2)) Mbps")
        var mrows: [[String]] = []
        for (i, t) in v.thresholdsMbps.enumerated() {
            mrows.append(["\(mbps(t)) Mbps", pct(v.meetsShare(i)), pct(v.meetsHouseholdsShare(i)), pct(v.meetsAndFiberShare(i))])
        }
        o.append(table(["per household >=", "villages", "households", "villages+fiber"], mrows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        if v.nodes > 0 {
            let lower = r.selection.villages.filter { r.pathKmLowerBound[$0] }.count
            if lower > 0 { o.append("  \(lower) village(s) reached over links of unknown length: their path km and latency are lower bounds (path_km_lower_bound, latency_ms_lower_bound in --csv and --json)") }
        }
        o.append("")
        if let u = r.urban {
            o.append("Urban access nodes (tier building / urban_access)")
            o.append("  \(u.nodes) nodes, \(u.households) households; broadband \(pct(u.broadbandShare)), fiber all the way \(pct(u.fiberShare)) (households \(pct(u.fiberHouseholdsShare))), median per household \(num(u.perHouseholdMedianMbps, 2)) Mbps")
            var urows: [[String]] = []
            for (i, t) in u.thresholdsMbps.enumerated() { urows.append(["\(mbps(t)) Mbps", pct(u.meetsShare(i)), pct(u.meetsHouseholdsShare(i))]) }
            o.append(table(["per household >=", "nodes", "households"], urows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            o.append("")
        }
        o.append(contentsOf: infrastructureLines(r, topology: t))
        // The group tables show the share meeting the profile's (first) speed, else 12 Mbps.
        let speed = profile?.speedsMbps.first ?? 12
        func groupRows(_ gs: [AccessSummary]) -> [[String]] {
            gs.map { g in
                let i = g.thresholdsMbps.firstIndex(of: speed) ?? 0
                let worst = g.worstVillageIds.isEmpty ? "-" : "\(clean(g.worstVillageIds[0], max: 16)) (\(num(g.worstVillageMbps[0], 2)))"
                return [clean(g.group, max: 32), String(g.nodes), String(g.households), String(g.householdsBroadband), pct(g.broadbandShare), pct(g.fiberShare),
                        g.thresholdsMbps.isEmpty ? "-" : pct(g.meetsShare(i)), pct(g.behindBridgeShare), pct(g.ipv6Share), worst]
            }
        }
        let th12 = v.thresholdsMbps.contains(speed) ? mbps(speed) : mbps(v.thresholdsMbps.first)
        let gh = ["group", "nodes", "households", "hh covered", "broadband", "fiber", ">=\(th12) Mbps/hh", "behind bridge", "IPv6", "worst village (Mbps/hh)"]
        if !r.byTier.isEmpty {
            o.append("By tier")
            o.append(table(gh, groupRows(r.byTier)).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            o.append("")
        }
        if r.byRegion.count > 1 {
            let sorted = r.byRegion.sorted { ($0.fiberShare ?? 0, $0.group) < ($1.fiberShare ?? 0, $1.group) }
            o.append("By region (level \(r.options.regionLevel); \(r.byRegion.count) regions\(r.byRegion.count > regionsShown ? ", the \(regionsShown) with the lowest fiber share" : ""))")
            o.append(table(gh, groupRows(Array(sorted.prefix(regionsShown)))).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            o.append("")
        }
        if !r.worstVillages.isEmpty {
            o.append("Worst villages (lowest capacity per household)")
            let rows = r.worstVillages.map { i -> [String] in
                let x = r.row(i, in: t)
                return [clean(x.id, max: 16), clean(x.name, max: 24), clean(x.region, max: 28), String(x.households), x.hops.map(String.init) ?? "-",
                        mbps(x.bottleneckMbps), num(x.perHouseholdMbps, 2), x.fiberAllTheWay ? "yes" : clean(x.firstNonFiberSegment.map(segment) ?? "no", max: 40),
                        String(x.edgeConnectivity == 2 ? ">=2" : String(x.edgeConnectivity)), x.ipv6EndToEnd ? "yes" : "no"]
            }
            o.append(table(["id", "name", "region", "hh", "hops", "bottleneck", "Mbps/hh", "fiber (first non-fiber)", "edge conn.", "IPv6"], rows)
                .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            o.append("")
        }
        if let p = profile { o.append(targets(p, results)) }
        if !t.importNotes.isEmpty {
            o.append("Import notes")
            for note in t.importNotes.prefix(20) { o.append("  " + clean(note, max: 200)) }
            if t.importNotes.count > 20 { o.append("  ... \(t.importNotes.count - 20) more") }
        }
        return o.joined(separator: "\n") + "\n"
    }

    /// `topology targets`: one entry per bundled profile (name, aliases, title; check, context
    /// and capture-check counts and source keys), as lines.
    public static func profileList(_ catalog: TargetCatalog) -> [String] {
        var out: [String] = []
        for p in catalog.profiles {
            out.append("\(p.name)\(p.aliases.isEmpty ? "" : " (\(p.aliases.joined(separator: ", ")))"): \(p.title)")
            let capture = (p.captureChecks ?? []).count
            out.append("    \(p.checks.count) scorable check(s), \(p.context.count) context row(s)\(capture > 0 ? ", \(capture) capture check(s) (capture summarize --targets, report)" : ""); sources \(p.sources.joined(separator: ", "))")
        }
        return out
    }

    /// `topology targets NAME`: the profile's target block, then each scorable check with its
    /// threshold in the check's unit, kind, confidence, source document (from `catalog`) and the
    /// original wording, as lines.
    public static func profileDetail(_ p: TargetProfile, catalog: TargetCatalog) -> [String] {
        var out = [targets(p, []), "Scorable checks"]
        for c in p.checks {
            let src = c.source.flatMap { catalog.sources[$0] }
            out.append("  \(c.id): \(c.metric) \(c.comparator) \(threshold(mbps(c.value), unit: c.unit))\(c.thresholdMbps.map { " (at \($0) Mbps per household)" } ?? "") — \(c.kind.rawValue), \(c.confidence)")
            if let s = src { out.append("      source: \(s.titleEn ?? s.title ?? "-"), \(s.issuingBody ?? "-"), \(s.date ?? "-")") }
            if let o = c.valueTextOriginal { out.append("      original: \(o)") }
        }
        return out
    }

    /// The target block for `p`: its title and source, then one line per result (met, missed or
    /// not measurable, with the gap in the check's own unit).
    public static func targets(_ p: TargetProfile, _ results: [TargetResult]) -> String {
        var o: [String] = []
        o.append("Targets: \(clean(p.name)) — \(clean(p.title, max: 120))")
        let rows = results.map { x -> [String] in
            let c = x.check
            let unit = x.gapUnit == .mbps ? " Mbps" : "%"
            let target = "\(c.comparator) \(mbps(c.value))\(unit)\(c.thresholdMbps.map { " at \(mbps($0)) Mbps/hh" } ?? "")"
            let met = x.notMeasurable != nil ? "not measurable" : x.met.map { $0 ? "met" : "MISSED" } ?? "n/a"
            let gap = x.gap.map { $0 == 0 ? "-" : "\(num($0, 2)) \(x.gapUnit == .mbps ? "Mbps" : "pp")" } ?? "-"
            let behind = x.regionsBehind.prefix(3).map { "\(clean($0.region, max: 20)) (\(num($0.measured, 1)))" }.joined(separator: ", ")
            let meeting = x.householdsMeetingPercent == nil && x.villagesMeetingPercent == nil ? "-"
                : "\(pct100(x.householdsMeetingPercent)) / \(pct100(x.villagesMeetingPercent))"
            return [c.id, c.targetYear.map(String.init) ?? "-", target, x.measured == nil ? "-" : "\(num(x.measured, 2))\(unit)", met, gap,
                    meeting, c.confidence.rawValue, c.source ?? "-", behind.isEmpty ? "-" : behind]
        }
        // No results (the `targets NAME` listing): no empty scoring table.
        if !rows.isEmpty {
            o.append(table(["target", "year", "target", "measured", "result", "gap", "hh / villages meeting", "confidence", "source", "regions furthest behind"], rows)
                .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        // Household-speed targets: the pass/fail figure is a quantile (100% = the worst
        // household); the shares say how far from it the bulk of households is.
        for x in results { if let line = speedShareLine(x) { o.append("  " + line) } }
        for x in results { if let reason = x.notMeasurable { o.append("  not measurable \(x.check.id): \(reason) (unknown capacity is not counted as 0 Mbps for targets)") } }
        for x in results { if let reason = x.notApplicable { o.append("  n/a \(x.check.id): \(reason)") } }
        for x in results { if let note = x.check.proxy { o.append("  note \(x.check.id): \(note)") } }
        if !p.context.isEmpty {
            o.append("  Context (not scorable from a topology): \(p.context.count) row(s)")
            for c in p.context.prefix(40) {
                o.append("    \(c.id): \(clean(c.metric, max: 60)) \(c.comparator) \(threshold(c.valueText, unit: c.unit)) [\(c.confidence)] — \(c.whyContext)")
            }
        }
        o.append("")
        return o.joined(separator: "\n")
    }

    /// A target row's value with its unit, readable: a paired threshold stored as JSON
    /// (`{"down": 100, "up": 20, "latency_ms_max": 100}`) becomes `100/20 Mbps down/up, latency <= 100 ms`;
    /// a plain value becomes `VALUE UNIT`; none becomes `-`.
    public static func threshold(_ valueText: String?, unit: String?) -> String {
        guard let text = valueText?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return "-" + (unit.map { " " + $0 } ?? "") }
        if text.hasPrefix("{"), let obj = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] {
            func n(_ k: String) -> String? { (obj[k] as? NSNumber).map { mbps($0.doubleValue) } }
            var parts: [String] = []
            if let d = n("down"), let u = n("up") { parts.append("\(d)/\(u) Mbps down/up") }
            else if let d = n("down") { parts.append("\(d) Mbps down") }
            if let l = n("latency_ms_max") { parts.append("latency <= \(l) ms") }
            let known: Set = ["down", "up", "latency_ms_max"]
            for k in obj.keys.sorted() where !known.contains(k) { parts.append("\(clean(k, max: 20)) \(clean("\(obj[k]!)", max: 20))") }
            if !parts.isEmpty { return parts.joined(separator: ", ") }
        }
        return clean(text, max: 40) + (unit.map { " " + $0 } ?? "")
    }

    /// "from – to (medium)" for the text table (JSON and CSV keep the three values apart).
    public static func segment(_ s: NonFiberSegment) -> String { "\(s.from) – \(s.to) (\(s.medium))" }

    /// Percent already scaled to 0...100.
    static func pct100(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0) } ?? "-" }

    /// "ID: 81.0% of households (150 of 185) and 75.0% of villages (3 of 4) meet >= 12 Mbps per
    /// household; worst village 0.30 Mbps" for a `household_speed` result, else nil.
    public static func speedShareLine(_ x: TargetResult) -> String? {
        guard x.check.kind == .householdSpeed, let hh = x.householdsMeeting, let v = x.villagesMeeting, let nv = x.villagesWithHouseholds else { return nil }
        let nodes = x.check.population == .urban ? ("urban access nodes", "worst node") : ("villages", "worst village")
        return "\(x.check.id): \(pct100(x.householdsMeetingPercent)) of households (\(hh) of \(x.population)) and "
            + "\(pct100(x.villagesMeetingPercent)) of \(nodes.0) (\(v) of \(nv)) meet \(x.check.comparator) \(mbps(x.check.value)) Mbps per household; "
            + "\(nodes.1) \(num(x.worstVillageMbps, 2)) Mbps"
    }

    /// The `topology plan` text: the works in build order (at most `worksShown`) with km and cost
    /// in `p.options.currency`, totals, and village shares and target results before and after.
    public static func plan(input: String, topology t: Topology, profile: TargetProfile, plan p: FiberPlan,
                            before: CoverageReport, targetsBefore: [TargetResult], targetsAfter: [TargetResult], worksShown: Int = 30) -> String {
        var o: [String] = []
        o.append("Fiber plan for \(clean(t.name)) against \(clean(profile.name))")
        o.append("  villages missing the target: \(p.missing.count) (already on fiber, need capacity: \(p.missingOnFiber.count); no coordinates or route: \(p.unplannable.count))")
        o.append("  candidate links: existing non-fiber links (upgrade along the route) and great-circle links × \(num(p.options.routeFactor, 2)) to the \(p.options.nearestFiber) nearest fiber-reached nodes and villages")
        o.append(String(format: "  total %.1f km, estimated cost %.0f %@ at %.0f %@/km (stated assumption; --cost-per-km)", p.totalKm, p.totalCost, p.options.currency, p.options.costPerKm, p.options.currency))
        o.append("")
        let rows = p.works.prefix(worksShown).enumerated().map { i, w -> [String] in
            let up = w.links.filter { $0.kind == .upgrade }.count
            return [String(i + 1), String(w.villages.count), String(w.households), num(w.km, 1), num(w.householdsPerKm, 1),
                    String(format: "%.0f", w.cost), "\(w.links.count - up) new, \(up) upgraded",
                    w.villages.prefix(3).map { clean(t.nodes[$0].name, max: 14) }.joined(separator: " ") + (w.villages.count > 3 ? " …" : "")]
        }
        o.append("Works, most households per km first (\(p.works.count)\(p.works.count > worksShown ? ", first \(worksShown) shown" : ""))")
        o.append(table(["#", "villages", "households", "km", "hh/km", "cost", "links", "villages served"], rows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        o.append("")
        let b = before.villages, a = p.afterReport.villages
        o.append("Coverage before → after")
        o.append("  fiber all the way: \(pct(b.fiberShare)) → \(pct(a.fiberShare)); broadband: \(pct(b.broadbandShare)) → \(pct(a.broadbandShare)); behind a bridge: \(pct(b.behindBridgeShare)) → \(pct(a.behindBridgeShare))")
        for (x, y) in zip(targetsBefore, targetsAfter) {
            var line = "  \(x.check.id): \(num(x.measured, 2)) → \(num(y.measured, 2)) (\(x.status) → \(y.status))"
            if x.check.kind == .householdSpeed {
                line += "; households meeting \(mbps(x.check.value)) Mbps \(pct100(x.householdsMeetingPercent)) → \(pct100(y.householdsMeetingPercent)), villages \(pct100(x.villagesMeetingPercent)) → \(pct100(y.villagesMeetingPercent))"
            }
            o.append(line)
        }
        return o.joined(separator: "\n") + "\n"
    }
}
