import Testing
import TestSupport

@Test func PacketDecodingTestsSharedDataLocated() {
    #expect(SharedData.repoRoot.path.isEmpty == false)
}
