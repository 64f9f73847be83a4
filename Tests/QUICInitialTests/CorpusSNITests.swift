import Foundation
import Testing
import TestSupport
import CaptureCore
import CaptureFiles
import PacketDecoding
@testable import QUICInitial
import CaptureJobs
import CDNAttribution
import CDNReachability

/// SNI, ALPN and ECH presence per frame on the public captures, beside tshark's `tls.handshake.extensions_server_name`,
/// `tls.handshake.extensions_alpn_str` and `tls.handshake.extension.type`
/// (tshark dissects TLS over TCP with reassembly, and decrypts QUIC Initials itself).
///
/// Our side: every TCP direction's data segments go to a `TLSClientHelloAccumulator` (with the
/// SYN's ISN + 1 when seen) until it answers; every UDP direction that starts with a v1/v2
/// Initial (and whose reverse direction did not) goes to a `QUICInitialReader`. A ClientHello is
/// reported at the frame that completes it, as tshark does.
@Suite struct CorpusSNITests {
    /// Files of the public corpus on which tshark 4.0 shows at least one server_name.
    static let files = [
        "4in6_dslite_style.pcap", "6in4_proto41_browsing.pcap", "dualstack_tls_v4_v6.pcap",
        "ipv4_netflix_cdn_browsing.pcap", "ipv6_http_ndpi.pcap", "pppoe_over_qinq.pcap",
        "quic_handshake_ipv6_null.pcap", "quic_http3_google_ipv4.pcap", "tls_clienthello_sni_ipv4.pcap",
        "tls_quic_ipv6.pcap", "pcapng_many_interfaces.pcapng", "quic_v2_ipv6_sll_nsec.pcapng",
        "tls_ech_ipv6_nsec.pcapng",
    ]

    /// A frame where NetCensus and tshark disagree, with the reason; `ours`/`tshark` nil = none.
    struct Deviation {
        var file: String, frame: Int, tshark: String?, ours: String?, reason: String
    }

    /// Every deviation found on the public corpus (see `run`).
    static let deviations: [Deviation] = []

    /// One ClientHello with a server_name: its frame, the name, QUIC or not, ALPN names joined
    /// with "," and whether encrypted_client_hello (0xfe0d = 65037) is among its extensions.
    struct Found: Hashable { var frame: Int; var sni: String; var quic: Bool; var alpn: String; var ech: Bool }

    /// What NetCensus finds in `path`: the ClientHellos the CDN analyzer (`CDNAnalyzer`, the
    /// one `capture cdn` and `capture summarize` run) reads, through the same per-file job.
    /// TCP: any port, recognised by content, stream offset 0 from the SYN when seen, split and
    /// reordered segments gathered; UDP: flows that start with a v1/v2 Initial. A ClientHello is
    /// reported at the frame that completes it, as tshark does.
    static func ours(_ path: String) throws -> [Found] {
        var options = CDNAnalyzerOptions()
        options.keepClientHellos = true
        var cdn = CDNAnalyzer(matcher: CDNMatcher(try CDNRules.bundled()), options: options)
        let r = CaptureFileJob.run(path: path, extension: &cdn)
        if let e = r.openError ?? r.formatError { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: e]) }
        return cdn.clientHellos.map {
            Found(frame: $0.packet, sni: $0.serverName, quic: $0.quic, alpn: $0.alpn.joined(separator: ","), ech: $0.encryptedClientHello)
        }
    }

    /// tshark's server_name, ALPN and extension types per frame, or nil when tshark is not installed.
    static func tshark(_ path: String, options: [String] = []) -> [Found]? {
        let candidates = ["/usr/bin/tshark", "/usr/local/bin/tshark"]
        guard let exe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["-r", path] + options + ["-Y", "tls.handshake.extensions_server_name", "-T", "fields",
                       "-e", "frame.number", "-e", "frame.protocols", "-e", "tls.handshake.extensions_server_name",
                       "-e", "tls.handshake.extensions_alpn_str", "-e", "tls.handshake.extension.type"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        var rows: [Found] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cells.count >= 5, let frame = Int(cells[0]) else { continue }
            let ech = cells[4].split(separator: ",").contains("65037")
            for name in cells[2].split(separator: ",") {
                rows.append(Found(frame: frame, sni: String(name), quic: cells[1].contains(":quic"), alpn: cells[3], ech: ech))
            }
        }
        return rows
    }

    /// TCP connections whose server answered with a ServerHello: ours (the server direction's
    /// first payload read by `TLSServerHello.parse(records:)`) against tshark's TCP streams with
    /// handshake type 2. Counted per connection: tshark reports the frame that completes the
    /// record, we the segment that starts it.
    @Test(arguments: files)
    func serverHellosMatchTshark(file: String) throws {
        guard let path = SharedData.path("captures/public/" + file) else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        guard let exe = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("SKIP: tshark not installed; \(file) not compared"); #expect(!SharedData.isCI); return
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["-r", path, "-Y", "tls.handshake.type == 2 && tcp", "-T", "fields", "-e", "tcp.stream"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let theirs = Set(text.split(separator: "\n")).count

        let reader = try CaptureFileReader(path: path)
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        struct Key: Hashable { var a: IPAddress, b: IPAddress, ap: UInt16, bp: UInt16 }
        var seen = Set<Key>(), answered = Set<Key>()
        _ = reader.forEachPacket { record in
            decoder.decode(record.bytes, linkType: record.linkType, originalLength: record.originalLength, into: &packet)
            guard let t = packet.transport, t.protocolNumber == 6, t.payloadOffset >= 0, t.payloadCapturedLength > 0,
                  let s = packet.ipLayers[t.ipLayerIndex].source, let d = packet.ipLayers[t.ipLayerIndex].destination else { return }
            let key = Key(a: s, b: d, ap: t.sourcePort, bp: t.destinationPort)
            guard seen.insert(key).inserted else { return }
            if case .serverHello = TLSServerHello.parse(records: record.bytes.clampedSlice(from: t.payloadOffset, length: t.payloadCapturedLength)) {
                answered.insert(key)
            }
        }
        // 4in6_dslite_style.pcap ends with the server's first segment: its ServerHello is there, but
        // the record (0x1359 bytes, Certificate follows) never completes, and tshark dissects a
        // record only once whole. We read the ServerHello message from the segment.
        let deviation = file == "4in6_dslite_style.pcap" ? 1 : 0
        #expect(answered.count == theirs + deviation, "\(file): ours \(answered.count), tshark \(theirs)")
    }

    @Test(arguments: files)
    func sniMatchesTshark(file: String) throws {
        guard let path = SharedData.path("captures/public/" + file) else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        guard let expected = Self.tshark(path) else {
            print("SKIP: tshark not installed (Debian package tshark); \(file) not compared")
            #expect(!SharedData.isCI, "tshark missing under CI")
            return
        }
        let mine = try Self.ours(path)
        #expect(!expected.isEmpty, "tshark shows no SNI in \(file); the file list is stale")
        let devs = Self.deviations.filter { $0.file == file }
        var theirs = Set(expected), ours = Set(mine)
        for d in devs {
            // A recorded deviation must still be what both tools do.
            if let t = d.tshark { #expect(theirs.contains { $0.frame == d.frame && $0.sni == t }, "\(file) frame \(d.frame): tshark changed") }
            else { #expect(!theirs.contains { $0.frame == d.frame }, "\(file) frame \(d.frame): tshark now shows a name") }
            if let o = d.ours { #expect(ours.contains { $0.frame == d.frame && $0.sni == o }, "\(file) frame \(d.frame): ours changed") }
            else { #expect(!ours.contains { $0.frame == d.frame }, "\(file) frame \(d.frame): we now find a name") }
            theirs = theirs.filter { $0.frame != d.frame }
            ours = ours.filter { $0.frame != d.frame }
        }
        print("CORPUS-SNI \(file): \(mine.count) ClientHellos with SNI (\(mine.filter(\.quic).count) over QUIC, \(mine.filter(\.ech).count) with ECH), tshark \(expected.count), deviations \(devs.count)")
        #expect(ours == theirs, "\(file): only ours \(ours.subtracting(theirs).sorted { $0.frame < $1.frame }), only tshark \(theirs.subtracting(ours).sorted { $0.frame < $1.frame })")
    }
}

extension CorpusSNITests.Found {
    init(_ h: TLSClientHello, frame: Int, name: String, quic: Bool) {
        self.init(frame: frame, sni: name, quic: quic, alpn: h.alpn.joined(separator: ","), ech: h.hasEncryptedClientHello)
    }
}
