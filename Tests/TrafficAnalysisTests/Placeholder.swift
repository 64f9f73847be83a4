import Testing
import TestSupport

@Test func TrafficAnalysisTestsSharedDataLocated() {
    #expect(SharedData.repoRoot.path.isEmpty == false)
}
