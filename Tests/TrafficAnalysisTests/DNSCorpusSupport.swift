import Foundation
import CaptureCore
import CaptureFiles
import PacketDecoding
import TestSupport
@testable import TrafficAnalysis

/// DNS messages of a real capture as NetCensus reads them: the project's reader and decoder,
/// then `DNSMessageExtractor` (`IPFragmentReassembler` for fragments, one `DNSTCPStream` per
/// TCP direction, port 53 only: 5353 mDNS and 5355 LLMNR are other protocols, as TShark
/// dissects them). Each message is attributed to the frame that completed it, as TShark does
/// after its own reassembly.
enum DNSCorpus {
    struct Message {
        var frame: Int              // 1-based frame number
        var timestamp: Int64
        var bytes: [UInt8]
        var source: IPAddress, destination: IPAddress
        var sourcePort: UInt16, destinationPort: UInt16
        var tcp: Bool
    }

    static let directory = "captures/public"

    /// Capture files of the public corpus (sorted), or nil (after printing SKIP) when absent.
    static func files() -> [String]? {
        guard let dir = SharedData.path(directory) else { return nil }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted().map { dir + "/" + $0 }
    }

    static func messages(_ path: String) -> [Message] {
        guard let reader = try? CaptureFileReader(path: path) else { return [] }
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        var extractor = DNSMessageExtractor()
        var out: [Message] = []
        var frame = 0
        func collect() {
            extractor.forEachMessage { bytes, c in
                out.append(Message(frame: c.packetNumber, timestamp: c.timestamp, bytes: Array(bytes), source: c.source,
                                   destination: c.destination, sourcePort: c.sourcePort, destinationPort: c.destinationPort,
                                   tcp: c.transport == .tcp))
            }
        }
        _ = reader.forEachPacket { record in
            frame += 1
            decoder.decode(record.bytes, linkType: record.linkType, originalLength: record.originalLength, into: &packet)
            extractor.add(packet: record.bytes, decoded: packet, timestamp: record.timestamp, packetNumber: frame)
            collect()
        }
        extractor.finish()
        collect()
        return out
    }

    /// Every transaction the tracker emits for a capture (reader + decoder + tracker).
    static func transactions(_ path: String) -> (transactions: [DNSTransaction], tracker: DNSTransactionTracker) {
        var tracker = DNSTransactionTracker()
        var out: [DNSTransaction] = []
        guard let reader = try? CaptureFileReader(path: path) else { return (out, tracker) }
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        var frame = 0
        _ = reader.forEachPacket { record in
            frame += 1
            decoder.decode(record.bytes, linkType: record.linkType, originalLength: record.originalLength, into: &packet)
            tracker.add(packet: record.bytes, decoded: packet, timestamp: record.timestamp, packetNumber: frame) { out.append($0) }
        }
        tracker.finish { out.append($0) }
        return (out, tracker)
    }

    /// Runs tshark with `arguments` on `path`; nil when tshark is missing (prints SKIP).
    static func tshark(_ path: String, _ arguments: [String]) -> String? {
        let candidates = ["/usr/bin/tshark", "/usr/local/bin/tshark"]
        guard let exe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("SKIP: tshark not installed (apt-get install tshark)")
            return nil
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["-n", "-r", path] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Fields of the one TShark pass both DNS corpus tests read (first DNS message per frame).
    static let fields = ["frame.number", "dns.qry.name", "dns.count.answers", "dns.flags.rcode", "dns.id",
                         "dns.flags.response", "dns.response_to", "dns.time", "dns.retransmission"]

    /// Per capture path: TShark's DNS rows as field name -> cell, keyed by frame number; nil
    /// when the data or tshark is missing. Computed once per test process (both suites share it).
    static let tsharkTable: [String: [Int: [String: String]]]? = {
        guard let files = files() else { return nil }
        var table: [String: [Int: [String: String]]] = [:]
        for path in files {
            var args = ["-Y", "dns", "-T", "fields", "-E", "occurrence=f"]
            for f in fields { args += ["-e", f] }
            guard let text = tshark(path, args) else { return nil }
            var rowsByFrame: [Int: [String: String]] = [:]
            for cells in rows(text) where cells.count == fields.count {
                guard let frame = Int(cells[0]) else { continue }
                rowsByFrame[frame] = Dictionary(uniqueKeysWithValues: zip(fields, cells))
            }
            table[path] = rowsByFrame
        }
        return table
    }()

    /// "0.010415000" (seconds, as TShark prints a relative time) -> nanoseconds.
    static func nanoseconds(_ text: String) -> Int64? {
        let negative = text.hasPrefix("-")
        let parts = text.drop(while: { $0 == "-" }).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0]) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = String(parts[1].prefix(9)).padding(toLength: 9, withPad: "0", startingAt: 0)
            guard let f = Int64(digits) else { return nil }
            fraction = f
        }
        let ns = whole * 1_000_000_000 + fraction
        return negative ? -ns : ns
    }

    /// tshark's rows as tab-separated cells.
    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
}
