import Testing
import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `capture summarize DIR` reads symlinked captures and warns about every entry it does not read.
@Suite struct InputScanCLITests {
    /// DIR holds only symlinks: one to a sample capture (read), one dangling (warned). Packets
    /// equal those of the sample read directly; the JSON lists both entries.
    @Test func symlinkedCaptureIsReadAndDanglingLinkIsWarned() throws {
        let samples = try #require(CaptureCLI.samplesDirectory, "Captures/ samples missing (run netcensus capture synth)")
        let dir = SharedData.temporaryDirectory("cli-inputscan").path
        #expect(symlink(samples + "/dualstack_browsing.pcap", dir + "/linked.pcap") == 0)
        #expect(symlink(dir + "/gone", dir + "/dangling.pcap") == 0)
        let direct = try CaptureCLI.run(["capture", "summarize", "--json", samples + "/dualstack_browsing.pcap"])
        let r = try CaptureCLI.run(["capture", "summarize", "--json", dir])
        #expect(r.status == 0)
        let packets = try #require(direct.json?["total", "packets"] as? Int)
        #expect(packets > 0 && r.json?["total", "packets"] as? Int == packets)
        #expect(r.stderr.contains("netcensus: warning: \(dir)/dangling.pcap: offset 0: symbolic link cannot be followed: "))
        #expect(!r.stderr.contains("linked.pcap"))
    }
}
