import Testing
import TestSupport

@Test func TopologyCoverageTestsSharedDataLocated() {
    #expect(SharedData.repoRoot.path.isEmpty == false)
}
