import Testing
import TestSupport

@Test func NetworkGraphTestsSharedDataLocated() {
    #expect(SharedData.repoRoot.path.isEmpty == false)
}
