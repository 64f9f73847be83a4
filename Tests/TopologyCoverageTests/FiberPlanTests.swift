import Testing
@testable import TopologyCoverage

@Suite struct FiberPlanTests {
    /// B (0°,0°) —fiber— F (0°,0.1°E); villages V1 (0°,0.2°E) and V2 (0°,0.3°E) reach B only by
    /// satellite (no ground route to upgrade). V3 (0.1°N,0.1°E) has a 5 km copper link to F.
    /// Optimal extension (by hand): F–V1 and V1–V2 new, each the great circle of 0.1° on the
    /// equator, d = 2R·asin(sin(0.05°)) ≈ 11.1195 km, plus the 5 km copper F–V3 upgraded
    /// (shorter than any new link to V3: 0.1° ≈ 11.1 km). Total 2d + 5 ≈ 27.239 km.
    /// Any other tree is longer: F–V2 direct is 2d alone, and V2 still needs V1.
    @Test func optimalExtensionIsFound() {
        var t = Topology(name: "plan")
        t.nodes = [
            TopologyNode(id: "B", tier: .backbone, latitude: 0, longitude: 0),
            TopologyNode(id: "F", tier: .township, latitude: 0, longitude: 0.1),
            TopologyNode(id: "V1", tier: .village, latitude: 0, longitude: 0.2, households: 100),
            TopologyNode(id: "V2", tier: .village, latitude: 0, longitude: 0.3, households: 300),
            TopologyNode(id: "V3", tier: .village, latitude: 0.1, longitude: 0.1, households: 50),
        ]
        t.links = [
            TopologyLink(a: 0, b: 1, medium: .fiber, capacityMbps: 10_000),
            TopologyLink(a: 0, b: 2, medium: .satellite, capacityMbps: 50, lengthKm: 0),
            TopologyLink(a: 0, b: 3, medium: .satellite, capacityMbps: 50, lengthKm: 0),
            TopologyLink(a: 1, b: 4, medium: .copper, capacityMbps: 100, lengthKm: 5),
        ]
        let r = CoverageScorer.score(t)
        let cat = try! TargetCatalog.bundled()
        let profile = cat.profile(named: "broadband-china-2015")!   // has a fibre-to-village check
        let missing = FiberPlanner.missingVillages(r, profile: profile)
        #expect(missing == [2, 3, 4])
        let plan = FiberPlanner.plan(t, report: r, missing: missing, options: FiberPlanOptions(costPerKm: 1000))
        let d = greatCircleKm(lat1: 0, lon1: 0.1, lat2: 0, lon2: 0.2)
        #expect(abs(d - 11.1195) < 1e-3)
        #expect(abs(plan.totalKm - (2 * d + 5)) < 1e-9)
        #expect(abs(plan.totalCost - plan.totalKm * 1000) < 1e-6)
        let links = plan.works.flatMap(\.links)
        #expect(links.filter { $0.kind == .upgrade }.map(\.existingLink) == [3])
        let newPairs = Set(links.filter { $0.kind == .newFiber }.map { Set([$0.a, $0.b]) })
        #expect(newPairs == [Set([1, 2]), Set([2, 3])])
        // Two works: {V1,V2}: 400 hh / 2d ≈ 18.0 hh/km; {V3}: 50 hh / 5 km = 10 hh/km → V1+V2 first.
        #expect(plan.works.count == 2)
        #expect(plan.works[0].villages == [2, 3] && plan.works[0].households == 400)
        #expect(plan.works[1].villages == [4])
        #expect(plan.unplannable.isEmpty)
        #expect(plan.afterReport.villages.fiberShare == 1)
    }

    @Test func villagesWithoutCoordinatesOrRouteAreUnplannable() {
        var t = Topology(name: "x")
        t.nodes = [TopologyNode(id: "B", tier: .backbone, latitude: 0, longitude: 0),
                   TopologyNode(id: "V", tier: .village, households: 10)]
        t.links = [TopologyLink(a: 0, b: 1, medium: .satellite, capacityMbps: 10, lengthKm: 0)]
        let r = CoverageScorer.score(t)
        let plan = FiberPlanner.plan(t, report: r, missing: [1])
        #expect(plan.unplannable == [1])
        #expect(plan.works.isEmpty && plan.totalKm == 0)
    }
}
