import Testing
import TestSupport

@Test func NetCensusCLITestsSharedDataLocated() {
    #expect(SharedData.repoRoot.path.isEmpty == false)
}
