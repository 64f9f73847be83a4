import Foundation
import CaptureCore
import CaptureFiles
import PacketDecoding
import TrafficAnalysis
import CaptureJobs
import LiveCapture
import TestSupport

/// The capture pipeline as the CLI runs it (reader -> optional BPF -> `AnalysisPipeline`), kept here
/// so the corpus tests do not depend on the executable.
enum Corpus {
    static let directory = "captures/public"

    /// Summary of one capture through `CaptureFileJob`, the same per-file step the CLI
    /// runs; a file that cannot be opened gives an empty summary whose only warning says why.
    static func summarize(_ path: String, filter: BPFFilter? = nil, options: DecoderOptions = DecoderOptions())
        -> (summary: AdoptionSummary, recordsRead: Int, opened: Bool) {
        let r = CaptureFileJob.run(path: path, decoderOptions: options, filter: filter.map { f in { f.matches($0) } })
        return (r.summary, r.recordsRead, r.opened)
    }

    /// EXPECTED.tsv as rows of column name -> cell.
    static func expected() -> [String: [String: String]] {
        guard let p = SharedData.path(directory + "/EXPECTED.tsv"), let text = try? String(contentsOfFile: p, encoding: .utf8) else { return [:] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard !lines.isEmpty else { return [:] }
        let header = lines.removeFirst()
        var rows: [String: [String: String]] = [:]
        for cells in lines {
            var row: [String: String] = [:]
            for (i, name) in header.enumerated() where i < cells.count { row[name] = cells[i] }
            rows[cells[0]] = row
        }
        return rows
    }

    /// File names of EXPECTED.tsv, sorted (the test arguments; empty when the data is missing).
    static func files() -> [String] { expected().keys.sorted() }

    /// The 21 per-packet columns AUDIT.md re-counted, with NetCensus's figure for each.
    static let figureColumns: [(String, @Sendable (AdoptionSummary) -> Int)] = [
        ("total_packets", { Int($0.packets) }),
        ("ipv4_outer", { Int($0.outermost.ipv4.packets) }),
        ("ipv6_outer", { Int($0.outermost.ipv6.packets) }),
        ("ipv4_any", { Int($0.layers.ipv4Any) }),
        ("ipv6_any", { Int($0.layers.ipv6Any) }),
        ("ipv6_in_ipv4", { Int($0.layers.ipv6InIPv4) }),
        ("ipv4_in_ipv6", { Int($0.layers.ipv4InIPv6) }),
        ("proto41_packets", { Int($0.layers.proto41) }),
        ("teredo_packets", { Int($0.layers.teredo) }),
        ("dns_query_A", { Int($0.dns.queriesA) }),
        ("dns_query_AAAA", { Int($0.dns.queriesAAAA) }),
        ("distinct_ipv4", { $0.distinctAddresses(.v4) }),
        ("distinct_ipv6", { $0.distinctAddresses(.v6) }),
        ("addr_6to4", { $0.transitionAddresses.sixToFour }),
        ("addr_teredo", { $0.transitionAddresses.teredo }),
        ("addr_nat64", { $0.transitionAddresses.nat64 }),
        ("addr_isatap", { $0.transitionAddresses.isatap }),
        ("tcp_syn_v4", { Int($0.tcp.synV4) }),
        ("tcp_syn_v6", { Int($0.tcp.synV6) }),
        ("tcp_synack_v4", { Int($0.tcp.synAckV4) }),
        ("tcp_synack_v6", { Int($0.tcp.synAckV6) }),
    ]
}

/// A cell where NetCensus is right and the peer tool counts differently. The test asserts
/// `netcensus` there, and checks that `expected` is still what EXPECTED.tsv says.
struct Deviation: Sendable {
    var file: String
    var column: String
    var expected: Int
    var netcensus: Int
    var reason: String
}
