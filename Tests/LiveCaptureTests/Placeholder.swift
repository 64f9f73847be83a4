import Testing
import TestSupport

@Test func LiveCaptureTestsSharedDataLocated() {
    #expect(SharedData.repoRoot.path.isEmpty == false)
}
