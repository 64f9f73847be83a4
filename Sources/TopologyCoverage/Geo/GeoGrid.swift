/// A bucket grid over WGS84 points for nearest-neighbour queries (snapping GeoJSON line ends to
/// nodes, candidate links in planning). Cells are `cellDegrees` square; a query scans rings of
/// cells outward until the best great-circle distance found cannot be beaten by a farther ring.
/// Distances are haversine km (`greatCircleKm`). Fine for the tens of degrees a national network spans;
/// longitudes are not wrapped at ±180°.
public struct GeoGrid: Sendable {
    public let cellDegrees: Double
    private var cells: [Int64: [Int32]] = [:]
    private var lat: [Double] = []
    private var lon: [Double] = []
    private var minRow = Int.max, maxRow = Int.min, minCol = Int.max, maxCol = Int.min

    public init(cellDegrees: Double = 0.25) { self.cellDegrees = cellDegrees }

    private func key(_ r: Int, _ c: Int) -> Int64 { Int64(r) << 32 | Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: c))) }
    private func row(_ la: Double) -> Int { cell(la) }
    private func col(_ lo: Double) -> Int { cell(lo) }
    /// Cell index of a coordinate, clamped: Int(_:) traps on NaN, infinities and values beyond
    /// Int.max, which hostile inputs supplied (fuzz: GeoJSON coordinates [1e300, -1e300]).
    private func cell(_ v: Double) -> Int {
        let c = (v / cellDegrees).rounded(.down)
        return c.isFinite ? Int(max(-1e9, min(1e9, c))) : 0
    }

    /// Adds point `id` (ids are the caller's, e.g. node indices).
    public mutating func insert(id: Int, latitude: Double, longitude: Double) {
        if id >= lat.count {
            lat.append(contentsOf: repeatElement(.nan, count: id + 1 - lat.count))
            lon.append(contentsOf: repeatElement(.nan, count: id + 1 - lon.count))
        }
        lat[id] = latitude; lon[id] = longitude
        let r = row(latitude), c = col(longitude)
        minRow = min(minRow, r); maxRow = max(maxRow, r); minCol = min(minCol, c); maxCol = max(maxCol, c)
        cells[key(r, c), default: []].append(Int32(id))
    }

    /// The `k` nearest points to (latitude, longitude) as (id, km), nearest first, skipping ids
    /// for which `exclude` is true; at most `maxKm` away.
    public func nearest(latitude: Double, longitude: Double, k: Int, maxKm: Double = .infinity,
                        exclude: (Int) -> Bool = { _ in false }) -> [(id: Int, km: Double)] {
        guard k > 0, minRow <= maxRow else { return [] }
        let r0 = row(latitude), c0 = col(longitude)
        var best: [(id: Int, km: Double)] = []
        // A point in ring `ring` is at least (ring-1) cells away in latitude (111.19 km per degree)
        // or in longitude (111.19 × cos(latitude) km per degree, taken at the ring's most poleward
        // latitude, where it is smallest): that lower bound stops the search.
        func ringBoundKm(_ ring: Int) -> Double {
            let far = min(89.9, abs(latitude) + Double(ring + 1) * cellDegrees)
            return Double(max(0, ring - 1)) * 111.19 * cellDegrees * max(0.001, cos(far * .pi / 180))
        }
        let maxRing = max(maxRow - minRow, maxCol - minCol) + abs(r0 - (minRow + maxRow) / 2) + abs(c0 - (minCol + maxCol) / 2) + 2
        // Points spread far apart relative to the cell size (planar SNDlib coordinates such as
        // atlanta's 0...500, or hostile ones) would make the ring walk visit up to maxRing^2 empty
        // cells, a near-hang; a scan of every point is then cheaper and gives the same answer.
        if maxRing > 4 * lat.count + 64 {
            var all: [(id: Int, km: Double)] = []
            for id in lat.indices where !lat[id].isNaN && !exclude(id) {
                let d = greatCircleKm(lat1: latitude, lon1: longitude, lat2: lat[id], lon2: lon[id])
                if d <= maxKm { all.append((id, d)) }
            }
            all.sort { $0.km < $1.km || ($0.km == $1.km && $0.id < $1.id) }
            return Array(all.prefix(k))
        }
        var ring = 0
        while ring <= maxRing {
            let bound = ringBoundKm(ring)
            if best.count == k, let worst = best.last, worst.km < bound { break }
            if bound > maxKm { break }
            for r in (r0 - ring)...(r0 + ring) {
                let edge = r == r0 - ring || r == r0 + ring
                let cs: [Int] = edge ? Array((c0 - ring)...(c0 + ring)) : [c0 - ring, c0 + ring]
                for c in cs {
                    guard let ids = cells[key(r, c)] else { continue }
                    for id32 in ids {
                        let id = Int(id32)
                        if exclude(id) { continue }
                        let d = greatCircleKm(lat1: latitude, lon1: longitude, lat2: lat[id], lon2: lon[id])
                        if d > maxKm { continue }
                        if best.count < k || d < best[best.count - 1].km || (d == best[best.count - 1].km && id < best[best.count - 1].id) {
                            var i = best.count
                            best.append((id, d))
                            while i > 0 && (best[i - 1].km > d || (best[i - 1].km == d && best[i - 1].id > id)) { best[i] = best[i - 1]; i -= 1 }
                            best[i] = (id, d)
                            if best.count > k { best.removeLast() }
                        }
                    }
                }
            }
            ring += 1
        }
        return best
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
