import Foundation
import Testing
import TestSupport

/// The PySpark job of `Scale/` on real Spark in local[2] mode over the public captures: executors
/// run `netcensus capture summarize --state-out` per file, partitions and then the driver merge
/// the states with `netcensus capture merge`; the job's summary.json must equal, byte for byte,
/// one `netcensus capture summarize --json` over the same files in sorted order. Needs PySpark
/// (PyPI) and a Java 17 runtime (Debian's openjdk-17-jre-headless), installed by
/// .ci/install-deps; elsewhere the test skips with a reason when they are missing.
@Suite(.serialized) struct SparkJobTests {
    @Test func sparkJobEqualsOneRunOverAllFiles() throws {
        guard let exe = CaptureCLI.executable else { #expect(!SharedData.isCI, "netcensus not built"); return }
        guard let dir = SharedData.path("captures/public") else {
            #expect(!SharedData.isCI, "../shared/captures/public missing"); print("skip: no public captures"); return
        }
        guard PeerTool.run("python3", ["-c", "import pyspark"]) != nil, PeerTool.locate("java") != nil else {
            #expect(!SharedData.isCI, "pyspark or java missing (bash .ci/install-deps installs them)")
            print("skip: pyspark or java missing"); return
        }
        let out = SharedData.temporaryDirectory("netcensus-spark")
        defer { try? FileManager.default.removeItem(at: out) }
        let script = SharedData.repoRoot.appendingPathComponent("Scale/spark_summarize.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, "--master", "local[2]", "--netcensus", exe.path, "--out", out.path, dir]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "spark job: \(errText.suffix(3000))")
        let job = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)

        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { n in
            [".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz"].contains { n.lowercased().hasSuffix($0) }
        }
        let files = names.map { dir + "/" + $0 }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(files.count >= 30)
        let direct = try CaptureCLI.run(["capture", "summarize", "--quiet", "--json"] + files)
        #expect(direct.status == 0)
        // summary.json is the merge's stdout (one JSON document and a newline), as is direct.stdout.
        #expect(job == direct.stdout, "the Spark job's summary differs from one run over the \(files.count) files")
        let csv = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(csv.split(whereSeparator: \.isNewline).count == files.count + 2, "CSV: header, one row per file, the total")
    }
}
