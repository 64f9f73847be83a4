import Testing
@testable import TopologyCoverage

@Suite struct GeoGridTests {
    /// k-nearest from the grid equals brute force over every point (great-circle km), on a
    /// deterministic scatter spanning 20°–60° N, including the exclusion filter and the km cap.
    @Test func nearestMatchesBruteForce() {
        var rng = SyntheticNetwork.RNG(state: 42)
        var pts: [(Double, Double)] = []
        var grid = GeoGrid(cellDegrees: 0.1)
        for i in 0..<3000 {
            let p = (rng.uniform(20, 60), rng.uniform(100, 103))
            pts.append(p); grid.insert(id: i, latitude: p.0, longitude: p.1)
        }
        for _ in 0..<200 {
            let q = (rng.uniform(19, 61), rng.uniform(99, 104))
            let brute = pts.indices.filter { $0 % 7 != 0 }
                .map { ($0, greatCircleKm(lat1: q.0, lon1: q.1, lat2: pts[$0].0, lon2: pts[$0].1)) }
                .sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            let got = grid.nearest(latitude: q.0, longitude: q.1, k: 4, exclude: { $0 % 7 == 0 })
            #expect(got.map(\.id) == brute.prefix(4).map(\.0))
            let capped = grid.nearest(latitude: q.0, longitude: q.1, k: 4, maxKm: 20, exclude: { $0 % 7 == 0 })
            #expect(capped.map(\.id) == brute.prefix(4).filter { $0.1 <= 20 }.map(\.0))
        }
    }
}
