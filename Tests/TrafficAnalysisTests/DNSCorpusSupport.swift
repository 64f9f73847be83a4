import Foundation
import CaptureCore
import CaptureFiles
import PacketDecoding
import TestSupport
@testable import TrafficAnalysis

/// DNS messages of a real capture as NetCensus reads them: the project's reader and decoder,
/// `IPFragmentReassembler` for fragments and one `DNSTCPStream` per TCP direction, port 53 only
/// (5353 mDNS and 5355 LLMNR are other protocols, as TShark dissects them). Each message is
/// attributed to the frame that completed it, as TShark does after its own reassembly.
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

    struct StreamKey: Hashable { var source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16 }

    static func messages(_ path: String) -> [Message] {
        guard let reader = try? CaptureFileReader(path: path) else { return [] }
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        var inner = DecodedPacket()
        var reassembler = IPFragmentReassembler()
        var streams: [StreamKey: DNSTCPStream] = [:]
        var out: [Message] = []
        var frame = 0

        func take(_ packet: DecodedPacket, _ bytes: UnsafeRawBufferPointer, _ time: Int64) {
            guard let t = packet.transport, t.payloadOffset >= 0, t.ipLayerIndex < packet.ipLayers.count else { return }
            guard t.sourcePort == 53 || t.destinationPort == 53 else { return }
            let ip = packet.ipLayers[t.ipLayerIndex]
            guard let s = ip.source, let d = ip.destination else { return }
            let payload = bytes.clampedSlice(from: t.payloadOffset, length: t.payloadCapturedLength)
            func emit(_ m: UnsafeRawBufferPointer, tcp: Bool) {
                out.append(Message(frame: frame, timestamp: time, bytes: Array(m), source: s, destination: d,
                                   sourcePort: t.sourcePort, destinationPort: t.destinationPort, tcp: tcp))
            }
            if t.protocolNumber == 17 {
                // A first fragment's UDP payload is incomplete: the reassembled datagram counts.
                guard !ip.isFragment else { return }
                emit(payload, tcp: false)
            } else {
                let key = StreamKey(source: s, destination: d, sourcePort: t.sourcePort, destinationPort: t.destinationPort)
                var stream = streams[key] ?? DNSTCPStream()
                stream.add(sequence: t.sequenceNumber, syn: t.isSYN || t.isSYNACK, payload: payload) { emit($0, tcp: true) }
                streams[key] = stream
            }
        }

        _ = reader.forEachPacket { record in
            frame += 1
            decoder.decode(record.bytes, linkType: record.linkType, originalLength: record.originalLength, into: &packet)
            if let fragment = packet.ipLayers.first(where: { $0.isFragment && !$0.isICMPQuote }) {
                reassembler.add(packet: record.bytes, layer: fragment, timestamp: record.timestamp) { datagram in
                    var innerDecoder = PacketDecoder()
                    innerDecoder.decode(datagram, linkType: .raw, originalLength: datagram.count, into: &inner)
                    take(inner, datagram, record.timestamp)
                }
                // Only the whole datagram counts (a first fragment's payload is partial).
                return
            }
            take(packet, record.bytes, record.timestamp)
        }
        return out
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

    /// tshark's rows as tab-separated cells.
    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
}
