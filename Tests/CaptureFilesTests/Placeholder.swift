import Testing
import TestSupport

@Test func CaptureFilesTestsSharedDataLocated() {
    #expect(SharedData.repoRoot.path.isEmpty == false)
}
