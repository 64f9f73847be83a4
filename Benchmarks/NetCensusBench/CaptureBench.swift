import Foundation
import CaptureCore
import CaptureFiles
import PacketDecoding
import TrafficAnalysis
#if canImport(Glibc)
import Glibc
#endif

/// `netcensus-bench capture FILE [--truth T] [--repeat N]`: the `capture summarize` job (reader
/// -> decoder -> analyzer, one core, no filter) timed from open to summary, then checked figure by
/// figure against the generator's ground-truth JSON (`gen_pcap.c`). Prints one line per run and a
/// final line with the best run, MB/s, Mpkt/s, peak RSS and anonymous RSS with the tables still
/// alive (heap; the mapped file is page cache and shows up as file RSS instead).
enum CaptureBench {
    /// Anonymous RSS (kB) measured at the end of the last pass, before its tables are freed.
    nonisolated(unsafe) static var heapAtEnd = "?"
    /// Analysis bounds for the run (`--max-connections N` sets the cap).
    nonisolated(unsafe) static var benchOptions = AnalysisOptions()
    static func main(_ args: [String]) -> Int32 {
        guard let path = args.first else { print("capture: give a capture file"); return 64 }
        var truthPath: String? = nil, repeats = 1
        var i = 1
        while i < args.count {
            if args[i] == "--truth", i + 1 < args.count { truthPath = args[i + 1]; i += 2 }
            else if args[i] == "--repeat", i + 1 < args.count { repeats = max(1, Int(args[i + 1]) ?? 1); i += 2 }
            else { print("capture: unknown argument \(args[i])"); return 64 }
        }
        var best = Double.infinity
        var summary = AdoptionSummary()
        var fileBytes = 0
        for run in 1...repeats {
            let start = now()
            guard let (s, size) = summarize(path) else { return 66 }
            let seconds = now() - start
            summary = s; fileBytes = size
            best = min(best, seconds)
            print("run \(run): \(format(seconds, 3)) s")
        }
        let mb = Double(fileBytes) / 1e6
        print("file \(path): \(fileBytes) bytes, \(summary.packets) packets")
        print("best \(format(best, 3)) s  \(format(mb / best, 0)) MB/s  \(format(Double(summary.packets) / best / 1e6, 2)) Mpkt/s  "
              + "peak RSS \(status("VmHWM")) kB  anon RSS \(heapAtEnd) kB  file RSS \(status("RssFile")) kB")
        guard let t = truthPath else { return 0 }
        let failures = check(summary, truthPath: t)
        print(failures == 0 ? "truth: all figures match \(t)" : "truth: \(failures) figures differ")
        return failures == 0 ? 0 : 1
    }

    /// The summarize job on one file: returns the summary and the file size.
    static func summarize(_ path: String) -> (AdoptionSummary, Int)? {
        guard var reader = try? CaptureFileReader(path: path) else { print("cannot open \(path)"); return nil }
        var pipeline = AnalysisPipeline(source: path, options: benchOptions)   // as the CLI: tables start small
        _ = pipeline.run(&reader)
        // Heap while the tables are still alive (before finish empties them).
        heapAtEnd = status("RssAnon")
        let summary = pipeline.finish()
        return (summary, reader.file.fileSize)
    }

    /// Compares every ground-truth counter the summary has; prints each mismatch.
    static func check(_ s: AdoptionSummary, truthPath: String) -> Int {
        guard let data = FileManager.default.contents(atPath: truthPath),
              let t = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { print("cannot read \(truthPath)"); return 1 }
        func n(_ keys: String...) -> Int? {
            var v: Any? = t
            for k in keys { v = (v as? [String: Any])?[k] }
            return (v as? NSNumber)?.intValue
        }
        let pairs: [(String, Int?, Int)] = [
            ("packets", n("packets"), Int(s.packets)),
            ("bytes", n("bytes"), Int(s.bytes)),
            ("vlan_tagged_packets", n("vlan_tagged_packets"), Int(s.layers.vlanTagged)),
            ("qinq_packets", n("qinq_packets"), Int(s.layers.qinq)),
            ("outer.ipv4.packets", n("outer", "ipv4", "packets"), Int(s.outermost.ipv4.packets)),
            ("outer.ipv4.bytes", n("outer", "ipv4", "bytes"), Int(s.outermost.ipv4.bytes)),
            ("outer.ipv6.packets", n("outer", "ipv6", "packets"), Int(s.outermost.ipv6.packets)),
            ("outer.ipv6.bytes", n("outer", "ipv6", "bytes"), Int(s.outermost.ipv6.bytes)),
            ("outer.other.packets", n("outer", "other", "packets"), Int(s.outermost.other.packets)),
            ("outer.other.bytes", n("outer", "other", "bytes"), Int(s.outermost.other.bytes)),
            ("inner.ipv4.packets", n("inner", "ipv4", "packets"), Int(s.innermost.ipv4.packets)),
            ("inner.ipv4.bytes", n("inner", "ipv4", "bytes"), Int(s.innermost.ipv4.bytes)),
            ("inner.ipv4.flows", n("inner", "ipv4", "flows"), s.flowCount(.v4)),
            ("inner.ipv4.hosts", n("inner", "ipv4", "hosts"), s.innermostAddressCount(.v4)),
            ("inner.ipv6.packets", n("inner", "ipv6", "packets"), Int(s.innermost.ipv6.packets)),
            ("inner.ipv6.bytes", n("inner", "ipv6", "bytes"), Int(s.innermost.ipv6.bytes)),
            ("inner.ipv6.flows", n("inner", "ipv6", "flows"), s.flowCount(.v6)),
            ("inner.ipv6.hosts", n("inner", "ipv6", "hosts"), s.innermostAddressCount(.v6)),
            ("tunnels.6in4_packets", n("tunnels", "6in4_packets"), Int(s.layers.proto41)),
            ("tunnels.teredo_packets", n("tunnels", "teredo_packets"), Int(s.layers.teredo)),
            ("l4.tcp", n("l4", "tcp"), Int(s.layers.l4TCP)),
            ("l4.udp", n("l4", "udp"), Int(s.layers.l4UDP)),
            ("l4.icmpv6", n("l4", "icmpv6"), Int(s.layers.l4ICMPv6)),
            ("l4.other", n("l4", "other"), Int(s.layers.l4Other)),
            ("ipv6_ext_hdr_packets", n("ipv6_ext_hdr_packets"), Int(s.layers.ipv6ExtensionHeaders)),
            ("dns.queries.A", n("dns", "queries", "A"), Int(s.dns.queriesA)),
            ("dns.queries.AAAA", n("dns", "queries", "AAAA"), Int(s.dns.queriesAAAA)),
            ("dns.queries.other", n("dns", "queries", "other"), Int(s.dns.queriesOther)),
            ("dns.responses.A", n("dns", "responses", "A"), Int(s.dns.responsesA)),
            ("dns.responses.AAAA", n("dns", "responses", "AAAA"), Int(s.dns.responsesAAAA)),
            ("dns.responses.other", n("dns", "responses", "other"), Int(s.dns.responsesOther)),
            ("dns.answers.A", n("dns", "answers", "A"), Int(s.dns.answersA)),
            ("dns.answers.AAAA", n("dns", "answers", "AAAA"), Int(s.dns.answersAAAA)),
        ]
        var failures = 0
        for (name, expected, actual) in pairs where expected != actual {
            failures += 1
            print("  MISMATCH \(name): truth \(expected.map(String.init) ?? "missing"), netcensus \(actual)")
        }
        print("truth: \(pairs.count - failures) of \(pairs.count) counters match")
        return failures
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// A `kB` field of /proc/self/status (VmHWM = peak RSS, RssAnon = heap and stacks).
    static func status(_ field: String) -> String {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "?" }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " kB", with: "")
        }
        return "?"
    }

    static func format(_ v: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", v) }
}
