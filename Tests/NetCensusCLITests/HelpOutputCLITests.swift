import Testing
import Foundation
import TestSupport

/// Help and version text are output too: a failed write is exit 1 with one error line
/// (issue 7, defect 12: `netcensus --help > /dev/full` used to exit 0 silently).
@Suite(.serialized) struct HelpOutputCLITests {
    @Test(arguments: [["--help"], ["capture", "--help"], ["capture", "summarize", "--help"], ["help", "topology"], ["--version"]])
    func helpToAFullDeviceFails(arguments: [String]) throws {
        guard FileManager.default.isWritableFile(atPath: "/dev/full") else { return }   // Linux only
        let r = try CaptureCLI.run(arguments, stdoutPath: "/dev/full")
        #expect(r.status == 1)
        #expect(r.stderr == "netcensus: error: cannot write output: \(String(cString: strerror(ENOSPC)))\n")
    }

    @Test func helpToAPipeStillWorks() throws {
        let r = try CaptureCLI.run(["--help"])
        #expect(r.status == 0 && r.stdout.hasPrefix("OVERVIEW: ") && r.stdout.hasSuffix("\n") && r.stderr.isEmpty)
        let v = try CaptureCLI.run(["--version"])
        #expect(v.status == 0 && v.stdout == "0.1.0\n")
    }
}
