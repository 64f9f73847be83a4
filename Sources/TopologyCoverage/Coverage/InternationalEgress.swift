import NetworkGraph

/// International egress of a national network.
///
/// Definitions:
/// - landing stations: nodes with role `landing` or `international_gateway`;
/// - international links: links with attribute `international` true (`TopologyLink.isInternational`);
///   every other link is domestic;
/// - an international link is *in service* when at least one of its ends is connected to a
///   backbone node over domestic links (BFS from the backbone set);
/// - `capacityMbps`: the sum of the capacities of the international links in service (unknown
///   capacity under the scoring rule: 0 unless `--unknown-capacity` is given;
///   `linksUnknownCapacity` counts them);
/// - `diversity`: the largest number of edge-disjoint domestic paths from the backbone set to
///   distinct landing stations (unit max flow; a landing station that is a backbone node counts
///   as one path). 1 means a single domestic link failure can cut every landing station off;
/// - `worstFailure`: the single link or node whose failure removes the most international
///   capacity in service (the failed element's own international links included). Candidates are
///   links and nodes of the national network (nodes reached over domestic links); ties go to a
///   link before a node, then to the lower index. nil when nothing is in service.
///
/// Complexity: O(c (n + m)) for c candidate elements: the links and nodes on the BFS-tree paths
/// from the in-service ends to the backbone, plus the international links and their ends. Any
/// element whose failure disconnects an end lies on every path to it, hence on its tree path;
/// elements elsewhere can only remove the international links they are themselves.
public struct InternationalEgress: Sendable {
    public var landingStations: [Int]
    /// International link indices, ascending.
    public var internationalLinks: [Int]
    /// Of those, in service.
    public var linksInService: [Int]
    public var capacityMbps: Double
    public var linksUnknownCapacity: Int
    public var diversity: Int
    public var worstFailure: Failure?

    /// A failed link (`link` set) or node (`node` set) and the international capacity it removes.
    public struct Failure: Sendable, Equatable {
        public var link: Int?
        public var node: Int?
        public var lostMbps: Double
        /// International links no longer in service (indices, ascending).
        public var linksLost: [Int]
    }

    static func compute(_ t: Topology, graph g: Multigraph, backbone: [Int], landings: [Int], capacityMbps cap: [Double]) -> InternationalEgress {
        let m = t.links.count
        let intl = (0..<m).filter { t.links[$0].isInternational }
        var domestic = [Bool](repeating: true, count: m)
        for j in intl { domestic[j] = false }
        let reach = domesticReach(g, from: backbone, domestic: domestic, failedLink: nil, failedNode: nil)
        func inService(_ reached: [Int32]) -> [Int] {
            intl.filter { j in
                let l = t.links[j]
                return l.a != l.b && (reached[l.a] >= 0 || reached[l.b] >= 0)
            }
        }
        let live = inService(reach.hops)
        let total = live.reduce(0.0) { $0 + cap[$1] }
        let unknown = intl.filter { t.links[$0].capacityMbps == nil }.count
        let diversity = g.edgeDisjointPathCount(from: backbone, toDistinct: landings, usable: domestic)

        // Candidates: tree paths of the in-service ends, plus the international links and ends.
        var candLink = Set<Int>(), candNode = Set<Int>()
        for j in live {
            candLink.insert(j)
            // Only ends inside the national network (reached over domestic links) are candidates:
            // the far end of a submarine cable is not the operator's to lose.
            for end in [t.links[j].a, t.links[j].b] where reach.hops[end] >= 0 {
                candNode.insert(end)
                var x = end
                while reach.hops[x] > 0 {
                    let e = Int(reach.parentEdge[x])
                    candLink.insert(e)
                    x = g.opposite(of: x, along: e)
                    candNode.insert(x)
                }
            }
        }
        var worst: Failure?
        func consider(link: Int?, node: Int?) {
            let r = domesticReach(g, from: backbone, domestic: domestic, failedLink: link, failedNode: node)
            var after = inService(r.hops)
            after.removeAll { j in j == link || t.links[j].a == node || t.links[j].b == node }
            let kept = Set(after)
            let lostLinks = live.filter { !kept.contains($0) }
            let lost = lostLinks.reduce(0.0) { $0 + cap[$1] }
            guard lost > 0 || !lostLinks.isEmpty else { return }
            if let w = worst, lost <= w.lostMbps { return }   // ties keep the earlier candidate
            worst = Failure(link: link, node: node, lostMbps: lost, linksLost: lostLinks)
        }
        for e in candLink.sorted() { consider(link: e, node: nil) }
        for v in candNode.sorted() { consider(link: nil, node: v) }
        return InternationalEgress(landingStations: landings, internationalLinks: intl, linksInService: live, capacityMbps: total,
                                   linksUnknownCapacity: unknown, diversity: diversity, worstFailure: worst)
    }

    /// BFS hop counts and parent edges from `sources` over domestic links, with one link or node
    /// removed (a failed source node is not a source).
    static func domesticReach(_ g: Multigraph, from sources: [Int], domestic: [Bool], failedLink: Int?, failedNode: Int?)
        -> (hops: [Int32], parentEdge: [Int32]) {
        var hops = [Int32](repeating: -1, count: g.nodeCount), parent = hops
        var queue: [Int] = []
        for s in sources where s != failedNode && hops[s] < 0 { hops[s] = 0; queue.append(s) }
        var head = 0
        while head < queue.count {
            let u = queue[head]; head += 1
            g.forEachNeighbor(of: u) { w, e in
                if hops[w] < 0 && domestic[e] && e != failedLink && w != failedNode {
                    hops[w] = hops[u] + 1; parent[w] = Int32(e); queue.append(w)
                }
            }
        }
        return (hops, parent)
    }
}
