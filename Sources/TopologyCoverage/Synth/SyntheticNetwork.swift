import Foundation

/// A deterministic national-scale access network for demos, tests and benchmarks, shaped like the
/// generator in `shared/bench/topology_networkx.py` (same media mix and capacities) but with an
/// explicit administrative hierarchy:
///
/// - provinces: one backbone node each (30), on a 100 Gbps fiber ring with 8 chords;
/// - prefectures (tier metro): about one per 8.5 counties, homed on their province's backbone
///   node (40/100 Gbps fiber), 70 % dual-homed to the next province, 10 % with a doubled uplink;
/// - counties of 8–20 townships: on their prefecture (10 Gbps fiber mostly), 50 % also linked to
///   the next county of the prefecture;
/// - townships of 5–20 villages: on their county by fiber 90 % / wireless 8 % / satellite 2 %,
///   15 % daisy-chained behind the previous township, 35 % linked to the next township;
/// - villages (50–800 households): on their township by fiber 70 % / copper 15 % / wireless 10 %
///   / satellite 5 % (capacities as the reference: PON 1–10 G, DSLAM 20–200 M, radio 100 M–1 G,
///   VSAT 10–100 M), 5 % relayed through the previous village, 12 % dual-homed to the next
///   township, 3 % with a doubled link; IPv6 on 85 % of fiber villages and 40 % of others.
/// Lengths are great-circle × a route factor (1.2–1.5 for cable, 1.0 for radio; satellite 0).
/// The same `villages` and `seed` always give the same network (SplitMix64 generator).
///
/// With `cityBuildings` > 0 a city layer is added after everything above (its own generator,
/// so the rest of the network is unchanged): per province a city aggregation node (tier metro,
/// region [province, "CITY"], 100 Gbps fiber to the province's backbone node) with
/// `cityBuildings` buildings (tier building, 50–400 households; FTTB fiber 85 % at 1/2.5/10 Gbps,
/// copper LAN 15 % at 100/200/1000 Mbps); role `idc` on the city node of every third province
/// (P01, P04, ...); three cable landing stations (role `landing`) homed on P01, P11 and P21 by
/// 100 Gbps fiber, each with an international link (attribute `international` = 1; 100, 200,
/// 400 Gbps) to one node abroad (`INTL`, no region).
public enum SyntheticNetwork {
    /// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and stable across platforms.
    struct RNG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + Int(next() % UInt64(hi - lo + 1)) }
        mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }
        mutating func pick<T>(_ table: [(T, Double)]) -> T {
            let x = unit(); var acc = 0.0
            for (v, p) in table { acc += p; if x < acc { return v } }
            return table[table.count - 1].0
        }
    }

    static let villageMix: [(Medium, Double)] = [(.fiber, 0.70), (.copper, 0.15), (.wireless, 0.10), (.satellite, 0.05)]
    static let villageCap: [Medium: [(Double, Double)]] = [
        .fiber: [(1000, 0.50), (2500, 0.35), (10000, 0.15)],
        .copper: [(20, 0.20), (50, 0.30), (100, 0.30), (200, 0.20)],
        .wireless: [(100, 0.30), (300, 0.40), (1000, 0.30)],
        .satellite: [(10, 0.30), (20, 0.30), (50, 0.25), (100, 0.15)],
    ]

    /// Generates the network. `villages` must be ≥ 1; `cityBuildings` ≥ 0 (0 = no city layer).
    public static func generate(villages nVillages: Int, seed: UInt64, cityBuildings: Int = 0) -> Topology {
        var rng = RNG(state: seed &* 0x2545_F491_4F6C_DD1D &+ 1)
        var topo = Topology(name: "synth-\(nVillages)-seed\(seed)")
        topo.nodes.reserveCapacity(nVillages + nVillages / 10 + 100)
        topo.links.reserveCapacity(nVillages * 6 / 5 + 100)
        func addNode(_ id: String, _ tier: Tier, _ region: [String], _ lat: Double, _ lon: Double, hh: Int = 0, v6: Bool) -> Int {
            let lat = (lat * 1e6).rounded() / 1e6, lon = (lon * 1e6).rounded() / 1e6
            topo.nodes.append(TopologyNode(id: String(topo.nodes.count), name: id, tier: tier, region: region,
                                           latitude: lat, longitude: lon, households: hh, ipv6: v6))
            return topo.nodes.count - 1
        }
        func addLink(_ a: Int, _ b: Int, _ med: Medium, _ cap: Double, _ v6: Bool) {
            var km = 0.0
            if med != .satellite {
                let rf = (med == .fiber || med == .copper) ? rng.uniform(1.2, 1.5) : 1.0
                let x = topo.nodes[a], y = topo.nodes[b]
                km = (greatCircleKm(lat1: x.latitude!, lon1: x.longitude!, lat2: y.latitude!, lon2: y.longitude!) * rf * 1000).rounded() / 1000
            }
            topo.links.append(TopologyLink(a: a, b: b, medium: med, capacityMbps: cap, lengthKm: km, ipv6: v6))
        }
        // Sizes: townships of 5-20 villages, counties of 8-20 townships.
        var tsizes: [Int] = []
        var tot = 0
        while tot < nVillages { let s = min(rng.int(5, 20), nVillages - tot); tsizes.append(s); tot += s }
        var csizes: [Int] = []
        tot = 0
        while tot < tsizes.count { let s = min(rng.int(8, 20), tsizes.count - tot); csizes.append(s); tot += s }
        let nb = 30
        let nPref = max(min(nb, csizes.count), Int((Double(csizes.count) / 8.5).rounded()))

        var bb: [Int] = []
        for k in 0..<nb {
            let th = 2 * Double.pi * Double(k) / Double(nb)
            bb.append(addNode(String(format: "P%02d", k + 1), .backbone, [String(format: "P%02d", k + 1)],
                              33 + 9 * sin(th) + rng.uniform(-1, 1), 110 + 16 * cos(th) + rng.uniform(-1, 1), v6: true))
        }
        for k in 0..<nb { addLink(bb[k], bb[(k + 1) % nb], .fiber, 100_000, true) }
        var chords = Set<[Int]>()
        while chords.count < 8 {
            let a = rng.int(0, nb - 1), b = rng.int(0, nb - 1)
            let d = min((a - b + nb) % nb, (b - a + nb) % nb)
            if d >= 3 { chords.insert([min(a, b), max(a, b)]) }
        }
        for c in chords.sorted(by: { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }) { addLink(bb[c[0]], bb[c[1]], .fiber, 100_000, true) }

        var prefs: [(node: Int, prov: Int)] = []
        for p in 0..<nPref {
            let k = p * nb / nPref
            let x = topo.nodes[bb[k]]
            let id = addNode(String(format: "P%02d-F%03d", k + 1, p + 1), .metro, [x.name, String(format: "F%03d", p + 1)],
                             x.latitude! + rng.uniform(-2.5, 2.5), x.longitude! + rng.uniform(-2.5, 2.5), v6: true)
            prefs.append((id, k))
            addLink(id, bb[k], .fiber, rng.pick([(40_000.0, 0.5), (100_000, 0.5)]), true)
            let r = rng.unit()
            if r < 0.70 { addLink(id, bb[(k + 1) % nb], .fiber, rng.pick([(10_000.0, 0.5), (40_000, 0.5)]), true) }
            else if r < 0.80 { addLink(id, bb[k], .fiber, 40_000, true) }
        }
        var ti = 0, vi = 0
        var countiesOf = [[Int]](repeating: [], count: nPref)
        for c in 0..<csizes.count {
            let p = c * nPref / csizes.count
            let pref = topo.nodes[prefs[p].node]
            let cRegion = pref.region + [String(format: "C%05d", c + 1)]
            let cx = addNode(cRegion.joined(separator: "-"), .county, cRegion,
                             pref.latitude! + rng.uniform(-0.8, 0.8), pref.longitude! + rng.uniform(-0.8, 0.8), v6: true)
            countiesOf[p].append(cx)
            addLink(cx, prefs[p].node, .fiber, rng.pick([(10_000.0, 0.7), (40_000, 0.2), (1000, 0.1)]), true)
            if rng.unit() < 0.10 { addLink(cx, prefs[p].node, .fiber, 10_000, true) }
            var towns: [(node: Int, size: Int)] = []
            let county = topo.nodes[cx]
            for _ in 0..<csizes[c] {
                let tRegion = cRegion + [String(format: "T%06d", ti + 1)]
                let tx = addNode(tRegion.joined(separator: "-"), .township, tRegion,
                                 county.latitude! + rng.uniform(-0.25, 0.25), county.longitude! + rng.uniform(-0.25, 0.25),
                                 v6: rng.unit() < 0.9)
                let med = rng.pick([(Medium.fiber, 0.90), (.wireless, 0.08), (.satellite, 0.02)])
                let cap: Double = med == .fiber ? rng.pick([(1000.0, 0.5), (10_000, 0.5)])
                    : med == .wireless ? rng.pick([(500.0, 0.5), (1000, 0.5)]) : rng.pick([(100.0, 0.5), (200, 0.5)])
                var up = cx
                if !towns.isEmpty && rng.unit() < 0.15 { up = towns[towns.count - 1].node }
                addLink(tx, up, med, cap, med == .fiber || rng.unit() < 0.5)
                if rng.unit() < 0.05 { addLink(tx, up, med, cap, med == .fiber) }
                towns.append((tx, tsizes[ti])); ti += 1
            }
            for j in 0..<(towns.count - 1) where rng.unit() < 0.35 {
                let fib = rng.unit() < 0.8
                addLink(towns[j].node, towns[j + 1].node, fib ? .fiber : .wireless, fib ? 1000 : 500, fib)
            }
            for (j, town) in towns.enumerated() {
                let tn = topo.nodes[town.node]
                let other = towns[(j + 1) % towns.count].node
                var prev: Int?
                for _ in 0..<town.size {
                    let med = rng.pick(villageMix)
                    let v6 = rng.unit() < (med == .fiber ? 0.85 : 0.40)
                    let vRegion = tn.region
                    let vx = addNode(String(format: "V%07d", vi + 1), .village, vRegion,
                                     tn.latitude! + rng.uniform(-0.06, 0.06), tn.longitude! + rng.uniform(-0.06, 0.06),
                                     hh: rng.int(50, 800), v6: v6)
                    vi += 1
                    let cap = rng.pick(villageCap[med]!)
                    var up = town.node
                    if let p = prev, rng.unit() < 0.05 { up = p }
                    prev = vx
                    addLink(vx, up, med, cap, rng.unit() < (med == .fiber ? 0.9 : 0.5))
                    let r = rng.unit()
                    if r < 0.12 {
                        let med2 = rng.pick(villageMix)
                        addLink(vx, other, med2, rng.pick(villageCap[med2]!), rng.unit() < 0.5)
                    } else if r < 0.15 { addLink(vx, up, med, cap, rng.unit() < 0.5) }
                }
            }
        }
        for p in 0..<nPref {
            let cs = countiesOf[p]
            if cs.count > 1 { for j in 0..<(cs.count - 1) where rng.unit() < 0.5 { addLink(cs[j], cs[j + 1], .fiber, 10_000, true) } }
        }
        if cityBuildings > 0 {
            // Its own generator: the network above is the same with or without the city layer.
            rng = RNG(state: seed &* 0x2545_F491_4F6C_DD1D &+ 0xC17)
            for (k, b) in bb.enumerated() {
                let p = topo.nodes[b]
                let region = [p.name, "CITY"]
                let city = addNode(p.name + "-CITY", .metro, region, p.latitude! + rng.uniform(-0.3, 0.3), p.longitude! + rng.uniform(-0.3, 0.3), v6: true)
                if k % 3 == 0 { topo.nodes[city].attributes["role"] = "idc" }
                addLink(city, b, .fiber, 100_000, true)
                let c = topo.nodes[city]
                for i in 0..<cityBuildings {
                    let med = rng.pick([(Medium.fiber, 0.85), (.copper, 0.15)])
                    let cap = med == .fiber ? rng.pick([(1000.0, 0.4), (2500, 0.4), (10_000, 0.2)]) : rng.pick([(100.0, 0.3), (200, 0.4), (1000, 0.3)])
                    let v6 = rng.unit() < 0.9
                    let u = addNode(p.name + String(format: "-B%05d", i + 1), .building, region,
                                    c.latitude! + rng.uniform(-0.05, 0.05), c.longitude! + rng.uniform(-0.05, 0.05), hh: rng.int(50, 400), v6: v6)
                    addLink(u, city, med, cap, v6)
                }
            }
            let abroad = addNode("INTL", .unknown, [], 30, 135, v6: true)
            for (i, k) in [0, 10, 20].enumerated() where k < bb.count {
                let p = topo.nodes[bb[k]]
                let ls = addNode(String(format: "LS%d", i + 1), .metro, [p.name], p.latitude! + 0.2, p.longitude! + 0.2, v6: true)
                topo.nodes[ls].attributes["role"] = "landing"
                addLink(ls, bb[k], .fiber, 100_000, true)
                addLink(ls, abroad, .fiber, [100_000.0, 200_000, 400_000][i], true)
                topo.links[topo.links.count - 1].attributes["international"] = "1"
            }
        }
        return topo
    }

    /// Writes `dir/nodes.csv` and `dir/links.csv` in the CSV-pair schema (the reference script's
    /// columns; region written as a "/" path). Numbers: coordinates 6 decimals, km 3 decimals.
    public static func writeCSV(_ t: Topology, to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func q(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func num(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
        // `role` and `international` columns only when some node or link has one, so files
        // without them are byte-identical to the earlier writer.
        let roles = t.nodes.contains { $0.attributes["role"] != nil }
        let intl = t.links.contains { $0.attributes["international"] != nil }
        var out = "id,name,tier,region,lat,lon,households,ipv6" + (roles ? ",role" : "") + "\n"
        out.reserveCapacity(t.nodes.count * 64)
        for n in t.nodes {
            let lat = n.latitude.map { String(format: "%.6f", $0) } ?? "", lon = n.longitude.map { String(format: "%.6f", $0) } ?? ""
            let hh = n.tier == .village || n.households > 0 ? String(n.households) : ""
            let v6 = n.ipv6.map { $0 ? "1" : "0" } ?? ""
            out += "\(q(n.id)),\(q(n.name)),\(n.tier.rawValue),\(q(n.region.joined(separator: "/"))),\(lat),\(lon),\(hh),\(v6)"
                + (roles ? "," + q(n.attributes["role"] ?? "") : "") + "\n"
        }
        try out.write(toFile: (dir as NSString).appendingPathComponent("nodes.csv"), atomically: true, encoding: .utf8)
        var lk = "a,b,medium,capacity_mbps,length_km,ipv6" + (intl ? ",international" : "") + "\n"
        lk.reserveCapacity(t.links.count * 40)
        for l in t.links {
            let cap = l.capacityMbps.map(num) ?? "", km = l.lengthKm.map { String(format: "%.3f", $0) } ?? ""
            let v6 = l.ipv6.map { $0 ? "1" : "0" } ?? ""
            lk += "\(q(t.nodes[l.a].id)),\(q(t.nodes[l.b].id)),\(l.medium.rawValue),\(cap),\(km),\(v6)"
                + (intl ? "," + (l.attributes["international"] ?? "") : "") + "\n"
        }
        try lk.write(toFile: (dir as NSString).appendingPathComponent("links.csv"), atomically: true, encoding: .utf8)
    }
}
