import Foundation
import Testing
import PacketDecoding
import TestSupport
@testable import TrafficAnalysis

/// On every public capture, the tracker's pairs and response times must be TShark's: every
/// response TShark pairs (`dns.response_to` = query frame, `dns.time`) is an `answered`
/// transaction with the same query frame, response frame and time to the nanosecond, and
/// nothing else is answered; every query TShark leaves without response (not a retransmission)
/// is `unanswered` here, and nothing else is.
@Suite struct DNSTransactionCorpusTests {
    /// Frames where NetCensus and TShark legitimately differ: file, frame, why.
    static let deviations: [(file: String, frame: Int, reason: String)] = [
        ("malformed_linktype_ipv6_invalid.pcap", 1,
         "LINKTYPE_IPV6 record holding an IPv4 query (`A? example.com`, no response in the file): NetCensus follows "
         + "the version nibble (AUDIT.md) and reports it unanswered; TShark decodes no DNS in the frame."),
    ]

    @Test func pairsAndResponseTimesMatchTshark() {
        guard let files = DNSCorpus.files() else { #expect(!SharedData.isCI, "shared data missing under CI"); return }
        guard let table = DNSCorpus.tsharkTable else { #expect(!SharedData.isCI, "tshark missing under CI"); return }
        var unexplained: [String] = []
        var used = Set<String>()
        var answered = 0, unanswered = 0
        func differ(_ file: String, _ frame: Int, _ what: String) {
            let key = "\(file)#\(frame)"
            if Self.deviations.contains(where: { "\($0.file)#\($0.frame)" == key }) { used.insert(key) } else { unexplained.append("\(key): \(what)") }
        }
        for path in files {
            let file = (path as NSString).lastPathComponent
            let rows = table[path] ?? [:]
            // TShark: response frame -> (query frame, ns); unanswered query frames.
            var theirPairs: [Int: (Int, Int64)] = [:]
            var answeredQueries = Set<Int>()
            for (frame, row) in rows {
                if let q = Int(row["dns.response_to"] ?? ""), let t = DNSCorpus.nanoseconds(row["dns.time"] ?? "") {
                    theirPairs[frame] = (q, t)
                    answeredQueries.insert(q)
                }
            }
            var theirUnanswered = Set<Int>()
            for (frame, row) in rows where (row["dns.flags.response"] == "0" || row["dns.flags.response"] == "False")
                && (row["dns.retransmission"] ?? "").isEmpty && !answeredQueries.contains(frame) {
                theirUnanswered.insert(frame)
            }

            let (transactions, _) = DNSCorpus.transactions(path)
            var ourPairs: [Int: (Int, Int64)] = [:]
            var ourUnanswered = Set<Int>()
            for t in transactions {
                switch t.status {
                case .answered:
                    if let r = t.responsePacketNumber, let q = t.queryPacketNumber, let ns = t.responseTimeNanoseconds { ourPairs[r] = (q, ns) }
                case .unanswered, .evicted:
                    if let q = t.queryPacketNumber { ourUnanswered.insert(q) }
                case .responseWithoutQuery:
                    break
                }
            }
            answered += ourPairs.count
            unanswered += ourUnanswered.count
            for frame in Set(theirPairs.keys).union(ourPairs.keys).sorted() {
                let a = ourPairs[frame], b = theirPairs[frame]
                if a?.0 != b?.0 || a?.1 != b?.1 {
                    differ(file, frame, "response: netcensus \(a.map { "to \($0.0) in \($0.1) ns" } ?? "-") tshark \(b.map { "to \($0.0) in \($0.1) ns" } ?? "-")")
                }
            }
            for frame in theirUnanswered.symmetricDifference(ourUnanswered).sorted() {
                differ(file, frame, "query unanswered: netcensus \(ourUnanswered.contains(frame)) tshark \(theirUnanswered.contains(frame))")
            }
        }
        #expect(unexplained.isEmpty, Comment(rawValue: "\(unexplained.count) unexplained:\n" + unexplained.joined(separator: "\n")))
        for d in Self.deviations where !used.contains("\(d.file)#\(d.frame)") {
            Issue.record("deviation no longer seen: \(d.file)#\(d.frame)")
        }
        #expect(answered >= 70)
        print("DNS transactions corpus: \(answered) answered, \(unanswered) unanswered, \(used.count) listed deviations")
    }
}
