/// The per-link inputs of the scorer's searches and the per-medium tallies of `NetworkSummary`,
/// read in one pass over the links (no copy of a link: its attribute dictionary would be
/// retained and released per link).
///
/// Arrays are indexed like `Topology.links` (m entries); capacities in Mbps, lengths in km,
/// latencies in ms; per-medium tallies are indexed by `Medium.caseIndex`.
struct LinkWeights: Sendable {
    /// Capacity: `capacityMbps`, or `unknownCapacityMbps` when unknown (`linkCapacitiesMbps`'s rule).
    var capacity: [Double]
    /// `capacity` on fibre links, 0 on every other medium.
    var fiberCapacity: [Double]
    /// Length: `lengthKm`, else the great-circle distance when both ends have coordinates, else 0
    /// (and `unknownLength` set). Self-loops: 0, not counted.
    var km: [Double]
    /// One-way latency of `km` under the options' `LatencyModel`.
    var latencyMs: [Double]
    /// No given length and no coordinates at both ends (self-loops never).
    var unknownLength: [Bool]
    /// Links without `capacityMbps`.
    var noCapacity = 0
    /// Non-loop links with an unknown length.
    var noLength = 0
    /// Per medium: km summed over non-loop links of known length, whether any was seen, links.
    var kmByMedium = [Double](repeating: 0, count: Medium.allCases.count)
    var kmSeen = [Bool](repeating: false, count: Medium.allCases.count)
    var linksByMedium = [Int](repeating: 0, count: Medium.allCases.count)
    /// The link's `ipv6 == true` (unknown counts as no).
    var ipv6: [Bool]
    /// Cellular links marked 5G (`TopologyLink.is5GCellular`), ascending.
    var fiveGCellular: [Int] = []

    init(_ t: Topology, options: CoverageOptions) {
        let m = t.links.count
        capacity = [Double](repeating: 0, count: m)
        fiberCapacity = [Double](repeating: 0, count: m)
        km = [Double](repeating: 0, count: m)
        latencyMs = [Double](repeating: 0, count: m)
        unknownLength = [Bool](repeating: false, count: m)
        ipv6 = [Bool](repeating: false, count: m)
        let unknown = options.unknownCapacityMbps, latency = options.latency
        t.links.withUnsafeBufferPointer { links in
            t.nodes.withUnsafeBufferPointer { nodes in
                for j in 0..<m {
                    let medium = links[j].medium
                    let mi = medium.caseIndex
                    linksByMedium[mi] += 1
                    let c = links[j].capacityMbps
                    if c == nil { noCapacity += 1 }
                    capacity[j] = c ?? unknown
                    if medium == .fiber { fiberCapacity[j] = capacity[j] }
                    if medium == .cellular && links[j].is5GCellular { fiveGCellular.append(j) }
                    ipv6[j] = links[j].ipv6 == true
                    let a = links[j].a, b = links[j].b
                    if a == b { continue }
                    // `Topology.linkLengthsKm`'s rule, read in place.
                    var length = links[j].lengthKm
                    if length == nil, let la = nodes[a].latitude, let oa = nodes[a].longitude,
                       let lb = nodes[b].latitude, let ob = nodes[b].longitude {
                        length = greatCircleKm(lat1: la, lon1: oa, lat2: lb, lon2: ob)
                    }
                    if let L = length {
                        kmByMedium[mi] += L; kmSeen[mi] = true; km[j] = L
                    } else { noLength += 1; unknownLength[j] = true }
                    latencyMs[j] = latency.milliseconds(medium: medium, km: km[j])
                }
            }
        }
    }
}
