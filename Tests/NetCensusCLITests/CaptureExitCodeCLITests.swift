import Testing
import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// One rule for `capture summarize` exit statuses (README "Exit codes", docs/summary-schema.md):
/// 0 when packets were read from at least one input (problems with the others are warnings and
/// the readable ones are still reported); 65 when inputs were opened but none yielded a packet;
/// 66 only when no input could be opened. Inputs are built here or taken from Captures/, whose
/// hand-counted figures are in Captures/README.md (dualstack_browsing.pcap: 33 packets).
@Suite(.serialized) struct CaptureExitCodeCLITests {
    /// Scratch files: a text file (first bytes "hell" = magic 0x68656c6c), a 0-byte .pcap, a
    /// header-only pcap (24-byte file header, no record), a FIFO and a missing path.
    struct Scratch {
        let dir = SharedData.temporaryDirectory()
        var text: String { dir.appendingPathComponent("notes.pcap").path }
        var empty: String { dir.appendingPathComponent("empty.pcap").path }
        var headerOnly: String { dir.appendingPathComponent("header_only.pcap").path }
        var fifo: String { dir.appendingPathComponent("fifo.pcap").path }
        var missing: String { dir.appendingPathComponent("missing.pcap").path }

        init() throws {
            try Data("hello, not a capture\n".utf8).write(to: URL(fileURLWithPath: text))
            try Data().write(to: URL(fileURLWithPath: empty))
            // pcap file header, little-endian: magic a1b2c3d4, version 2.4, thiszone 0,
            // sigfigs 0, snaplen 65535, link type 1 (ETHERNET).
            var h: [UInt8] = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]
            h += [UInt8](repeating: 0, count: 8) + [0xff, 0xff, 0, 0] + [1, 0, 0, 0]
            try Data(h).write(to: URL(fileURLWithPath: headerOnly))
            _ = mkfifo(fifo, 0o600)
        }
        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    static var good: String? {
        CaptureCLI.samplesDirectory.map { $0 + "/dualstack_browsing.pcap" }
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func nonCaptureFileAloneIs65WithThePathOnce() throws {
        let s = try Scratch(); defer { s.remove() }
        let r = try CaptureCLI.run(["capture", "summarize", s.text])
        #expect(r.status == 65)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "netcensus: error: \(s.text): not a pcap or pcapng file (magic 0x68656c6c)\n")
    }

    @Test func zeroByteAndHeaderOnlyFilesAre65() throws {
        let s = try Scratch(); defer { s.remove() }
        var r = try CaptureCLI.run(["capture", "summarize", s.empty])
        #expect(r.status == 65)
        #expect(r.stderr == "netcensus: error: \(s.empty): not a capture file (shorter than 4 bytes)\n")
        r = try CaptureCLI.run(["capture", "summarize", "--json", s.headerOnly])
        #expect(r.status == 65)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "netcensus: error: \(s.headerOnly): no packets could be read\n")
        // Several opened files, none with a packet (a missing one beside them does not change it).
        r = try CaptureCLI.run(["capture", "summarize", s.text, s.empty, s.headerOnly, s.missing])
        #expect(r.status == 65)
        #expect(r.stderr.hasSuffix("netcensus: error: no packets could be read from any of the 4 inputs\n"))
        #expect(r.stderr.contains("netcensus: warning: \(s.text): offset 0: not a pcap or pcapng file (magic 0x68656c6c) [not_a_capture]\n"))
        #expect(r.stderr.contains("netcensus: warning: \(s.missing): offset 0: no such file or directory [cannot_open]\n"))
    }

    @Test func nothingOpenableIs66() throws {
        let s = try Scratch(); defer { s.remove() }
        var r = try CaptureCLI.run(["capture", "summarize", s.missing])
        #expect(r.status == 66)
        #expect(r.stderr == "netcensus: error: \(s.missing): no such file or directory\n")
        // A FIFO is refused without blocking (not a regular file): it cannot be opened either.
        r = try CaptureCLI.run(["capture", "summarize", s.fifo, s.missing])
        #expect(r.status == 66)
        #expect(r.stderr.hasSuffix("netcensus: error: none of the 2 inputs could be opened\n"))
        #expect(r.stderr.contains("netcensus: warning: \(s.fifo): offset 0: cannot open: not a regular file [cannot_open]\n"))
        // An empty directory holds no input at all.
        let sub = s.dir.appendingPathComponent("nothing")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        r = try CaptureCLI.run(["capture", "summarize", sub.path])
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("netcensus: error: no capture files "))
    }

    @Test func missingBesideAGoodFileIs0WithOutputForTheGoodOne() throws {
        let good = try #require(Self.good, "Captures/ samples missing (run netcensus capture synth)")
        let s = try Scratch(); defer { s.remove() }
        let r = try CaptureCLI.run(["capture", "summarize", "--json", s.missing, good])
        #expect(r.status == 0)
        let json = try #require(r.json)
        #expect((json["total"] as? [String: Any])?["packets"] as? Int == 33)
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.map { $0["source"] as? String } == [s.missing, good])
        #expect(files.first?["format"] is NSNull)
        #expect(r.stderr == "netcensus: warning: \(s.missing): offset 0: no such file or directory [cannot_open]\n")
        #expect(Self.occurrences(of: s.missing, in: r.stderr) == 1)
    }

    @Test func unreadableBesideAGoodFileIs0() throws {
        let good = try #require(Self.good, "Captures/ samples missing (run netcensus capture synth)")
        let s = try Scratch(); defer { s.remove() }
        for bad in [s.empty, s.text, s.headerOnly, s.fifo] {
            let r = try CaptureCLI.run(["capture", "summarize", "--csv", bad, good])
            #expect(r.status == 0, "\(bad): \(r.stderr)")
            // header, the bad file, the good file, total
            #expect(r.stdout.split(separator: "\r\n").count == 4)
            #expect(r.stdout.contains("\r\ntotal,,33,33,"))
            #expect(!r.stderr.contains("netcensus: error"))
            // Each warning names the path once.
            for line in r.stderr.split(separator: "\n") {
                #expect(Self.occurrences(of: bad, in: String(line)) == 1, "\(line)")
            }
        }
    }

    @Test func liveOnAMissingInterfaceIs66() throws {
        let r = try CaptureCLI.run(["capture", "live", "-i", "no-such-if0", "--duration", "1"])
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("netcensus: error: "))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}
