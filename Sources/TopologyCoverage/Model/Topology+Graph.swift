import NetworkGraph

// The bridge from the coverage model to the graph core: node i of the graph is
// `nodes[i]`, edge j is `links[j]`, so every per-node / per-edge result indexes straight back.

extension Topology {
    /// The topology as an undirected multigraph: node i = `nodes[i]`, edge j = `links[j]`
    /// (parallel links stay separate edges; self-loops are kept as ids and ignored by every
    /// algorithm).
    ///
    /// - Precondition: every link's `a` and `b` index `nodes` (importers guarantee it).
    /// - Complexity: O(nodes + links).
    public func multigraph() -> Multigraph {
        var flat: [Int32] = []
        flat.reserveCapacity(links.count * 2)
        // By index: iterating the links would copy each one (its attributes dictionary retained).
        for j in links.indices { flat.append(Int32(links[j].a)); flat.append(Int32(links[j].b)) }
        return Multigraph(nodeCount: nodes.count, flatEndpoints: flat)
    }

    /// Per-link length in km: `lengthKm` when given, else the great-circle distance between the
    /// endpoints when both have coordinates (haversine, R = 6371.0088 km, as FACTS.tsv), else
    /// nil. A self-loop without a given length is 0 km when its node has coordinates (callers
    /// summing network km skip self-loops, as FACTS.tsv does).
    public func linkLengthsKm() -> [Double?] {
        links.map { l in
            if let km = l.lengthKm { return km }
            let a = nodes[l.a], b = nodes[l.b]
            guard let la = a.latitude, let oa = a.longitude, let lb = b.latitude, let ob = b.longitude else {
                return nil
            }
            return greatCircleKm(lat1: la, lon1: oa, lat2: lb, lon2: ob)
        }
    }

    /// Per-link capacity in Mbps for ``Multigraph/widestPaths(from:capacity:)``: `capacityMbps`
    /// when known, else `unknown` (default 0: a link of unknown capacity is unusable, as in
    /// `shared/bench/topology_networkx.py` without `--unknown-capacity`).
    public func linkCapacitiesMbps(unknown: Double = 0) -> [Double] {
        links.indices.map { links[$0].capacityMbps ?? unknown }
    }
}
