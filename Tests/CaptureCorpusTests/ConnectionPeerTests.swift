import Foundation
import Testing
import CaptureCore
import PacketDecoding
import TrafficAnalysis
import CaptureJobs
import TestSupport

/// Connection records against tshark on the public corpus: per TCP 5-tuple, the number of
/// connections equals the number of tshark TCP streams, and each connection's initial RTT
/// (first SYN -> SYN-ACK -> the ACK of it) equals tshark's `tcp.analysis.initial_rtt`.
@Suite(.serialized) struct ConnectionPeerTests {
    /// Cells where tshark and NetCensus differ on purpose, with the reason (file, key text).
    static let deviations: [String: String] = [
        // Frame 2 (the SYN-ACK) carries a timestamp 1.47e9 s after the SYN (the file mixes
        // if_tsresol values on purpose); NetCensus applies the 5-minute TCP idle timeout in
        // capture time and starts a new record, tshark never splits a stream by time.
        "pcapng_comments_mixed_tsresol.pcapng 127.0.0.1:3306-127.0.0.1:40304": "idle timeout on a bogus timestamp jump",
    ]

    struct Key: Hashable, CustomStringConvertible {
        var a: String, ap: Int, b: String, bp: Int
        init(_ x: String, _ xp: Int, _ y: String, _ yp: Int) {
            if (x, xp) <= (y, yp) { a = x; ap = xp; b = y; bp = yp } else { a = y; ap = yp; b = x; bp = xp }
        }
        var description: String { "\(a):\(ap)-\(b):\(bp)" }
    }

    /// tshark's TCP streams: key -> [initial RTT in µs or nil], one entry per stream.
    static func tsharkStreams(_ path: String) -> [Key: [Int64?]]? {
        guard let text = PeerTool.run("tshark", ["-r", path, "-Y", "tcp", "-T", "fields", "-E", "separator=|",
                                                 "-e", "tcp.stream", "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst",
                                                 "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.analysis.initial_rtt", "-e", "frame.protocols"]) else { return nil }
        var keyOf: [Int: Key] = [:], rtt: [Int: Int64] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 9, let stream = Int(f[0]) else { continue }
            // TCP quoted inside an ICMP error is no connection (tshark still gives it a stream).
            if f[8].contains(":icmp") { continue }
            // Tunnelled frames list every header's address; the innermost is the last one.
            let v4s = f[1].split(separator: ",").last.map(String.init), v4d = f[2].split(separator: ",").last.map(String.init)
            let v6s = f[3].split(separator: ",").last.map(String.init), v6d = f[4].split(separator: ",").last.map(String.init)
            guard let sp = f[5].split(separator: ",").last.flatMap({ Int($0) }), let dp = f[6].split(separator: ",").last.flatMap({ Int($0) }) else { continue }
            // The family carrying TCP is that of the last IP header in the protocol stack.
            let stack = f[8].split(separator: ":")
            let lastIP = stack.lastIndex { $0 == "ip" || $0 == "ipv6" }.map { stack[$0] }
            let (s, d) = lastIP == "ipv6" ? (v6s ?? "", v6d ?? "") : (v4s ?? "", v4d ?? "")
            if keyOf[stream] == nil { keyOf[stream] = Key(canon(s), sp, canon(d), dp) }
            if rtt[stream] == nil, let r = Double(f[7]) { rtt[stream] = Int64((r * 1e6).rounded()) }
        }
        var out: [Key: [Int64?]] = [:]
        for (stream, k) in keyOf.sorted(by: { $0.key < $1.key }) { out[k, default: []].append(rtt[stream]) }
        return out
    }

    /// tshark prints IPv6 in RFC 5952 form already; IPv4 as dotted quad. Lower-case for safety.
    static func canon(_ s: String) -> String { s.lowercased() }

    static func ours(_ path: String) -> [Key: [Int64?]] {
        var records: [ConnectionRecord] = []
        var options = AnalysisOptions()
        options.emitConnectionRecords = true
        _ = CaptureFileJob.run(path: path, options: options, connections: { records += $0 })
        var out: [Key: [(UInt64, Int64?)]] = [:]
        for r in records where r.transportProtocol == 6 {
            let k = Key(r.originator.description, Int(r.originatorPort), r.responder.description, Int(r.responderPort))
            out[k, default: []].append((r.id, r.initialRTT.map { ($0 + 500) / 1000 }))
        }
        return out.mapValues { $0.sorted { $0.0 < $1.0 }.map(\.1) }
    }

    static let files: [String] = {
        guard let dir = SharedData.path("captures/public") else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { ($0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng")) && !$0.hasPrefix("malformed") }.sorted()
    }()

    @Test(arguments: files)
    func tcpConnectionsAndInitialRTTMatchTshark(_ file: String) throws {
        guard let path = SharedData.path("captures/public/" + file), let theirs = Self.tsharkStreams(path) else { return }
        let mine = Self.ours(path)
        for (k, t) in theirs where Self.deviations["\(file) \(k)"] == nil {
            let m = mine[k] ?? []
            #expect(m.count == t.count, "\(file) \(k): \(m.count) connections, tshark \(t.count) streams")
            for (x, y) in zip(m, t) {
                #expect(x == y, "\(file) \(k): initial RTT \(x.map(String.init) ?? "none") µs, tshark \(y.map(String.init) ?? "none") µs")
            }
        }
        for k in mine.keys where theirs[k] == nil && Self.deviations["\(file) \(k)"] == nil {
            Issue.record("\(file) \(k): a TCP connection tshark does not have")
        }
    }
}
