import Foundation
import Testing
import CaptureSamples
import PacketDecoding
import TestSupport
@testable import FlowRecords
#if canImport(Glibc)
import Glibc
#endif

/// The same IPFIX export read by NetCensus (from an RFC 5655 file) and by nfdump, Debian's
/// NetFlow/IPFIX toolset (`nfcapd` collects the messages sent over UDP on 127.0.0.1, `nfdump -o
/// csv` prints the records): every flow's addresses, ports, protocol, packets and bytes must
/// agree, and so must the per-family totals. Flows are random (seeded), IPv4 and IPv6, split
/// over several messages and two observation domains, with templates repeated as exporters do.
@Suite(.serialized) struct NfdumpPeerTests {
    struct Flow: Hashable { var src: String; var dst: String; var sport: UInt16; var dport: UInt16; var proto: UInt8; var packets: UInt64; var bytes: UInt64 }

    static func messages(_ rng: inout SplitMix64) -> (messages: [[UInt8]], flows: [Flow]) {
        typealias W = IPFIXWriter
        typealias F = IPFIXWriter.Field
        let t4 = W.templateRecord(id: 256, fields: [F(8, 4), F(12, 4), F(7, 2), F(11, 2), F(4, 1), F(2, 8), F(1, 8)])
        let t6 = W.templateRecord(id: 257, fields: [F(27, 16), F(28, 16), F(7, 2), F(11, 2), F(4, 1), F(2, 8), F(1, 8)])
        var messages: [[UInt8]] = [], flows: [Flow] = []
        for m in 0..<40 {
            var d4: [UInt8] = [], d6: [UInt8] = []
            for _ in 0..<(5 + Int(rng.next() % 20)) {
                let v6 = rng.next() % 3 == 0
                let proto: UInt8 = [6, 17, 6, 1][Int(rng.next() % 4)]
                let sport: UInt16 = proto == 1 ? 0 : UInt16(1024 + rng.next() % 60000)
                let dport: UInt16 = proto == 1 ? 0 : [443, 53, 80, 3544][Int(rng.next() % 4)]
                let packets = 1 + rng.next() % 5000, bytes = packets * (40 + rng.next() % 1460)
                let src: [UInt8], dst: [UInt8]
                if v6 {
                    src = [0x20, 0x01, 0x0d, 0xb8, 0, UInt8(rng.next() % 4)] + [UInt8](repeating: 0, count: 9) + [UInt8(1 + rng.next() % 200)]
                    dst = rng.next() % 5 == 0 ? PacketBuilder.address("64:ff9b::c633:6401")
                        : [0x26, 0x06, 0x47, 0x00] + [UInt8](repeating: 0, count: 11) + [UInt8(1 + rng.next() % 200)]
                    d6 += src + dst + W.be16(sport) + W.be16(dport) + [proto] + W.be64(packets) + W.be64(bytes)
                } else {
                    src = [10, 0, UInt8(rng.next() % 4), UInt8(1 + rng.next() % 200)]
                    dst = [198, 51, 100, UInt8(1 + rng.next() % 200)]
                    d4 += src + dst + W.be16(sport) + W.be16(dport) + [proto] + W.be64(packets) + W.be64(bytes)
                }
                flows.append(Flow(src: IPAddress(v6 ? .v6 : .v4, from: src.withUnsafeBytes { UnsafeRawBufferPointer($0) }, at: 0)!.description,
                                  dst: IPAddress(v6 ? .v6 : .v4, from: dst.withUnsafeBytes { UnsafeRawBufferPointer($0) }, at: 0)!.description,
                                  sport: sport, dport: dport, proto: proto, packets: packets, bytes: bytes))
            }
            var sets = [W.Set(id: 2, body: t4 + t6)]     // templates in every message, as UDP exporters resend them
            if !d4.isEmpty { sets.append(W.Set(id: 256, body: d4)) }
            if !d6.isEmpty { sets.append(W.Set(id: 257, body: d6)) }
            messages.append(W.ipfixMessage(domain: UInt32(1 + m % 2), sequence: UInt32(m), sets: sets))
        }
        return (messages, flows)
    }

    static func send(_ messages: [[UInt8]], port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        for m in messages {
            _ = m.withUnsafeBytes { b in
                withUnsafePointer(to: &addr) { p in
                    p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
            }
            usleep(2000)   // loopback, but nfcapd reads one datagram at a time
        }
    }

    @Test func nfdumpReadsTheSameFlows() throws {
        guard let nfcapd = PeerTool.locate("nfcapd"), PeerTool.locate("nfdump") != nil else {
            #expect(!SharedData.isCI, "nfdump missing (bash .ci/install-deps installs it)"); return
        }
        var rng = SplitMix64(seed: 4739)
        let (messages, flows) = Self.messages(&rng)
        let tmp = SharedData.temporaryDirectory("netcensus-nfdump")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let file = tmp.appendingPathComponent("export.ipfix").path
        try Data(messages.flatMap { $0 }).write(to: URL(fileURLWithPath: file))

        // nfcapd on a free port of 127.0.0.1, collecting into tmp/nf.
        let dir = tmp.appendingPathComponent("nf").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let port = UInt16(20_000 + getpid() % 20_000)
        let collector = Process()
        // The test runner's threads block SIGTERM and a spawned child inherits the mask, so nfcapd
        // would never see the signal that makes it write its file: unblock it before exec.
        collector.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        collector.arguments = ["python3", "-c",
                               "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT}); os.execv(sys.argv[1], sys.argv[1:])",
                               nfcapd, "-w", dir, "-b", "127.0.0.1", "-p", String(port), "-t", "3600"]
        collector.standardOutput = FileHandle.nullDevice
        collector.standardError = FileHandle.nullDevice
        try collector.run()
        // Send only once nfcapd's socket is bound (/proc/net/udp lists 127.0.0.1:PORT as
        // 0100007F:HEX); a fixed sleep lost the first messages on a loaded machine.
        let bound = String(format: "0100007F:%04X", port)
        for _ in 0..<200 {
            if let table = try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8), table.contains(bound) { break }
            usleep(50_000)
        }
        usleep(200_000)
        Self.send(messages, port: port)
        usleep(500_000)
        collector.terminate()   // SIGTERM: nfcapd closes and renames its current file
        for _ in 0..<100 where collector.isRunning { usleep(100_000) }
        if collector.isRunning { kill(collector.processIdentifier, SIGKILL); Issue.record("nfcapd ignored SIGTERM") }
        collector.waitUntilExit()

        let csv = try #require(PeerTool.run("nfdump", ["-R", dir, "-o", "csv"]))
        var lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        let headerIndex = try #require(lines.firstIndex { $0.hasPrefix("ts,") || $0.contains(",sa,") })
        let header = lines[headerIndex].split(separator: ",").map(String.init)
        lines = Array(lines[(headerIndex + 1)...])
        func col(_ name: String) throws -> Int { try #require(header.firstIndex(of: name), "nfdump csv has no \(name) column: \(header)") }
        let (sa, da, sp, dp, pr, ipkt, ibyt) = (try col("sa"), try col("da"), try col("sp"), try col("dp"), try col("pr"), try col("ipkt"), try col("ibyt"))
        var peer: [Flow] = []
        for line in lines {
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard c.count > ibyt, let packets = UInt64(c[ipkt]), let bytes = UInt64(c[ibyt]) else { continue }
            let proto: UInt8 = ["TCP": 6, "UDP": 17, "ICMP": 1].first { c[pr].uppercased() == $0.key }?.value ?? UInt8(c[pr]) ?? 0
            peer.append(Flow(src: c[sa], dst: c[da], sport: UInt16(c[sp]) ?? 0, dport: UInt16(Double(c[dp]) ?? 0), proto: proto, packets: packets, bytes: bytes))
        }

        let ours = FlowFileJob.run(path: file)
        var mine: [Flow] = []
        var reader = FlowExportReader(source: file)
        for m in messages { m.withUnsafeBytes { _ = reader.readMessage($0) { r in
            mine.append(Flow(src: r.source!.description, dst: r.destination!.description, sport: r.sourcePort ?? 0, dport: r.destinationPort ?? 0,
                             proto: r.protocolNumber ?? 0, packets: r.packets, bytes: r.bytes))
        } } }
        #expect(Dictionary(grouping: mine, by: { $0 }).mapValues(\.count) == Dictionary(grouping: flows, by: { $0 }).mapValues(\.count),
                "our reader's \(mine.count) flows differ from the generator's \(flows.count)")
        // nfdump prints ICMP type/code in the port columns: compare ICMP flows without ports.
        func normal(_ f: Flow) -> Flow { var g = f; if g.proto == 1 { g.sport = 0; g.dport = 0 }; return g }
        #expect(peer.count == flows.count, "nfdump read \(peer.count) of \(flows.count) flows")
        let peerSet = Dictionary(grouping: peer.map(normal), by: { $0 }).mapValues(\.count)
        let mineSet = Dictionary(grouping: mine.map(normal), by: { $0 }).mapValues(\.count)
        let onlyPeer = peerSet.filter { mineSet[$0.key] != $0.value }, onlyMine = mineSet.filter { peerSet[$0.key] != $0.value }
        #expect(onlyPeer.isEmpty && onlyMine.isEmpty,
                "per-flow fields differ: \(onlyMine.count) of ours not in nfdump's (first: \(String(describing: onlyMine.first?.key))), \(onlyPeer.count) of nfdump's not in ours (first: \(String(describing: onlyPeer.first?.key)))")
        let v6 = flows.filter { $0.src.contains(":") }, v4 = flows.filter { !$0.src.contains(":") }
        #expect(ours.summary.ipv4.flows == UInt64(v4.count) && ours.summary.ipv6.flows == UInt64(v6.count))
        #expect(ours.summary.ipv4.bytes == v4.reduce(0) { $0 + $1.bytes } && ours.summary.ipv6.packets == v6.reduce(0) { $0 + $1.packets })
        #expect(ours.summary.ipv4.bytes == peer.filter { !$0.src.contains(":") }.reduce(0) { $0 + $1.bytes }, "IPv4 bytes vs nfdump")
        #expect(ours.summary.ipv6.bytes == peer.filter { $0.src.contains(":") }.reduce(0) { $0 + $1.bytes }, "IPv6 bytes vs nfdump")
        print("nfdump: \(peer.count) flows agree (\(v4.count) IPv4, \(v6.count) IPv6)")
    }
}
