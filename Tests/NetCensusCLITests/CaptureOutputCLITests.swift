import Testing
import Foundation
import TestSupport

/// Output that cannot be written is a failure (exit 1, one stderr line), never a silent exit 0.
@Suite(.serialized) struct CaptureOutputCLITests {
    @Test(arguments: [[String](), ["--json"], ["--csv"], ["--per-file"]])
    func writingToAFullDeviceFails(format: [String]) throws {
        guard FileManager.default.isWritableFile(atPath: "/dev/full") else { return }   // Linux only
        let dir = try #require(CaptureCLI.samplesDirectory, "Captures/ samples missing (run netcensus capture synth)")
        let r = try CaptureCLI.run(["capture", "summarize"] + format + [dir], stdoutPath: "/dev/full")
        // /dev/full fails every write with ENOSPC, whose strerror text is "No space left on device".
        #expect(r.status == 1)
        #expect(r.stderr == "netcensus: error: cannot write output: \(String(cString: strerror(ENOSPC)))\n")
    }

    @Test func synthToAFullDeviceFails() throws {
        guard FileManager.default.isWritableFile(atPath: "/dev/full") else { return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CaptureCLI.run(["capture", "synth", "--output", dir.path], stdoutPath: "/dev/full")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("netcensus: error: cannot write output: "))
    }

    @Test func synthIntoAnImpossibleDirectoryIsAnErrorNotUsage() throws {
        // A directory cannot be created under a regular file (ENOTDIR): a runtime failure, exit 1.
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        let r = try CaptureCLI.run(["capture", "synth", "--output", file.path + "/sub"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("netcensus: error: cannot create directory "))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}
