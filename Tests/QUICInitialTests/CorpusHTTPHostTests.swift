import Foundation
import Testing
import TestSupport
import CaptureCore
import CaptureFiles
import PacketDecoding

/// The first request of every TCP connection on the public captures that carry HTTP/1.x:
/// method and Host per connection equal tshark's (`http.request.method`, `http.host` of the
/// first request in each `tcp.stream`). Compared as sorted lists: tshark numbers streams, we key
/// connections by address and port, and tshark reports a request at the frame that completes its
/// body, we at the frame that completes its head.
@Suite struct CorpusHTTPHostTests {
    static let files = [
        "6in4_proto41_browsing.pcap", "ayiya_tunnel.pcap", "dualstack_rawip_v4_v6.pcap", "dualstack_sll_browsing.pcap",
        "dualstack_wikipedia_browsing.pcap", "ipv4_http_web.pcap", "ipv4_netflix_cdn_browsing.pcap", "ipv6_http_sixxs.pcap",
        "ipv6_http_streams_rawip.pcap", "null_loopback_ipv6_tcp.pcap", "pcap_be_nsec.pcap", "pppoe_session_http_ipv4.pcap",
        "qinq_8021ad_http.pcap", "teredo_zeek.pcap", "vlan_http.pcap",
    ]

    static func ours(_ path: String) throws -> [String] {
        let reader = try CaptureFileReader(path: path)
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        struct Key: Hashable { var s: IPAddress, d: IPAddress, sp: UInt16, dp: UInt16 }
        enum State { case done, collecting([UInt8], next: UInt32) }
        var state: [Key: State] = [:]
        var found: [String] = []
        _ = reader.forEachPacket { record in
            decoder.decode(record.bytes, linkType: record.linkType, originalLength: record.originalLength, into: &packet)
            guard let t = packet.transport, t.protocolNumber == 6, t.payloadOffset >= 0, t.payloadCapturedLength > 0,
                  let s = packet.ipLayers[t.ipLayerIndex].source, let d = packet.ipLayers[t.ipLayerIndex].destination else { return }
            let key = Key(s: s, d: d, sp: t.sourcePort, dp: t.destinationPort)
            let payload = record.bytes.clampedSlice(from: t.payloadOffset, length: t.payloadCapturedLength)
            var bytes: [UInt8]
            switch state[key] {
            case .done: return
            case .collecting(let held, let next):
                guard t.sequenceNumber == next else { return }  // in order only (a test harness, not the analyzer)
                bytes = held + Array(payload)
            case nil: bytes = Array(payload)
            }
            let next = t.sequenceNumber &+ UInt32(payload.count)
            switch bytes.withUnsafeBytes({ HTTPRequestHead.parse($0) }) {
            case .needMoreBytes: state[key] = .collecting(bytes, next: next)
            case .notHTTP: state[key] = .done
            case .request(let h):
                state[key] = .done
                found.append("\(h.method) \(h.host ?? "-")")
            }
        }
        return found.sorted()
    }

    static func tshark(_ path: String) -> [String]? {
        guard let exe = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["-r", path, "-Y", "http.request && tcp", "-T", "fields", "-e", "tcp.stream", "-e", "http.request.method", "-e", "http.host"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        var first: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 3, first[c[0]] == nil else { continue }
            // tshark keeps the port in http.host and the case as sent.
            var host = c[2].split(separator: ",").first.map(String.init) ?? ""
            if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]"), host.filter({ $0 == ":" }).count == 1 { host = String(host[..<colon]) }
            first[c[0]] = "\(c[1].split(separator: ",").first ?? "") \(host.isEmpty ? "-" : host.lowercased())"
        }
        return first.values.sorted()
    }

    @Test(arguments: files)
    func firstRequestPerConnectionMatchesTshark(file: String) throws {
        guard let path = SharedData.path("captures/public/" + file) else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        guard let theirs = Self.tshark(path) else {
            print("SKIP: tshark not installed; \(file) not compared"); #expect(!SharedData.isCI); return
        }
        let mine = try Self.ours(path)
        print("CORPUS-HTTP \(file): \(mine.count) connections, tshark \(theirs.count)")
        var onlyOurs = mine, onlyTheirs = theirs
        for x in mine { if let i = onlyTheirs.firstIndex(of: x) { onlyTheirs.remove(at: i); onlyOurs.remove(at: onlyOurs.firstIndex(of: x)!) } }
        #expect(onlyOurs.isEmpty && onlyTheirs.isEmpty, "\(file): only ours \(onlyOurs), only tshark \(onlyTheirs)")
    }
}
