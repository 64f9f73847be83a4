import Testing
import TestSupport

@Test func CaptureCorpusTestsSharedDataLocated() {
    #expect(SharedData.repoRoot.path.isEmpty == false)
}
