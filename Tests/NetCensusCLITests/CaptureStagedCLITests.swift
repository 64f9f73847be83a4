import Foundation
import Testing
import TestSupport

/// One file read by two threads (`--jobs` at least twice the number of files) prints what one
/// thread prints, through the real executable: `capture summarize` with the CDN analysis, and
/// `capture analyze` in JSON for every view, on the public captures one by one, with and without
/// a BPF filter; and a gzip input, which takes one pass.
@Suite struct CaptureStagedCLITests {
    @Test func twoThreadsPerFilePrintWhatOneThreadPrints() throws {
        guard CaptureMergeCLITests.ready() else { return }
        var compared = 0
        for path in CaptureMergeCLITests.publicCaptures() {
            for filter in [[], ["--filter", "tcp or udp port 53"]] {
                let one = try CaptureCLI.run(["capture", "summarize", "--quiet", "--json", "--jobs", "1"] + filter + [path])
                let two = try CaptureCLI.run(["capture", "summarize", "--quiet", "--json", "--jobs", "2"] + filter + [path])
                #expect(one.status == two.status && one.stdout == two.stdout && one.stderr == two.stderr, "summarize \(filter) \(path)")
                let a = try CaptureCLI.run(["capture", "analyze", "--quiet", "--json", "--show-addresses", "--jobs", "1"] + filter + [path])
                let b = try CaptureCLI.run(["capture", "analyze", "--quiet", "--json", "--show-addresses", "--jobs", "2"] + filter + [path])
                #expect(a.status == b.status && a.stdout == b.stdout, "analyze \(filter) \(path)")
                compared += 1
            }
        }
        #expect(compared >= 140)
    }

    @Test func everyAnalyzeViewAndWarningsMatch() throws {
        guard CaptureMergeCLITests.ready() else { return }
        let files = CaptureMergeCLITests.publicCaptures()
        let picks = files.filter { $0.hasSuffix("dualstack_sll_browsing.pcap") || $0.hasSuffix("malformed_pcap_cut_short.pcap")
            || $0.hasSuffix("icmpv6_ra_pref64_nat64.pcap") }
        #expect(picks.count == 3)
        for path in picks {
            for view in ["device", "mechanism", "name", "race"] {
                let a = try CaptureCLI.run(["capture", "analyze", "--csv", "--show-addresses", "--by", view, "--jobs", "1", path])
                let b = try CaptureCLI.run(["capture", "analyze", "--csv", "--show-addresses", "--by", view, "--jobs", "2", path])
                #expect(a.status == b.status && a.stdout == b.stdout && a.stderr == b.stderr && !a.stdout.isEmpty, "\(view) \(path)")
            }
        }
        // Two files on four threads: both files run at once, each on two threads.
        let pair = Array(picks.prefix(2))
        let one = try CaptureCLI.run(["capture", "summarize", "--json", "--jobs", "1"] + pair)
        let four = try CaptureCLI.run(["capture", "summarize", "--json", "--jobs", "4"] + pair)
        #expect(one.stdout == four.stdout && one.stderr == four.stderr && one.status == four.status)
        #expect(one.stderr.contains("warning"), "the cut-short capture should warn")
    }

    /// Without `--state-out`, `capture analyze` leaves out the host and packet-count analyzers
    /// (nothing of theirs is printed): the document must be the one a run with every analyzer
    /// (with `--state-out`) prints, one thread or two.
    @Test func analyzeWithoutStateOutPrintsTheSameDocument() throws {
        guard CaptureMergeCLITests.ready() else { return }
        let tmp = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let files = CaptureMergeCLITests.publicCaptures()
        for jobs in ["1", "2"] {
            let state = tmp.appendingPathComponent("a\(jobs).state").path
            let lean = try CaptureCLI.run(["capture", "analyze", "--json", "--show-addresses", "--jobs", jobs] + files)
            let full = try CaptureCLI.run(["capture", "analyze", "--json", "--show-addresses", "--jobs", jobs, "--state-out", state] + files)
            #expect(lean.status == 0 && full.status == 0)
            #expect(lean.stdout == full.stdout && lean.stderr == full.stderr && !lean.stdout.isEmpty, "--jobs \(jobs)")
            #expect(FileManager.default.fileExists(atPath: state))
        }
    }

    @Test func gzipInputTakesOnePassWithTheSameOutput() throws {
        guard CaptureMergeCLITests.ready() else { return }
        guard let path = CaptureMergeCLITests.publicCaptures().first(where: { $0.hasSuffix("dualstack_sll_browsing.pcap") }) else {
            Issue.record("dualstack_sll_browsing.pcap missing"); return
        }
        let tmp = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let gz = tmp.appendingPathComponent("copy.pcap.gz").path
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/bin/sh")
        zip.arguments = ["-c", "gzip -c '\(path)' > '\(gz)'"]
        try zip.run(); zip.waitUntilExit()
        #expect(zip.terminationStatus == 0)
        let one = try CaptureCLI.run(["capture", "analyze", "--quiet", "--json", "--show-addresses", "--jobs", "1", gz])
        let two = try CaptureCLI.run(["capture", "analyze", "--quiet", "--json", "--show-addresses", "--jobs", "2", gz])
        #expect(one.status == 0 && one.stdout == two.stdout)
    }
}
