import CaptureCore
@testable import CaptureFiles
@testable import CaptureSamples
import Foundation
import Testing
import TestSupport

/// Figures of one sample capture, counted by hand from the scenario (Captures/README.md).
struct SampleFigures: Equatable {
    var packets = 0
    var ipv4Outer = 0, ipv6Outer = 0, ipv6Inner = 0
    var proto41 = 0, teredo = 0
    var dnsA = 0, dnsAAAA = 0
    var synV4 = 0, synV6 = 0, synAckV4 = 0, synAckV6 = 0
}

/// A deliberately small walker for the sample scenarios only (Ethernet or raw IP; proto 41 and
/// UDP 3544 unwrapped once); it also checks every checksum on the way.
struct SampleWalker {
    var figures = SampleFigures()
    var badChecksums = 0

    mutating func frame(_ b: [UInt8], linkType: LinkType) {
        figures.packets += 1
        ip(linkType == .ethernet ? Array(b.dropFirst(14)) : b, outer: true)
    }

    mutating func ip(_ b: [UInt8], outer: Bool) {
        guard let first = b.first else { return }
        let v6 = first >> 4 == 6
        let proto: UInt8, payload: [UInt8], pseudo: UInt32
        if v6 {
            proto = b[6]
            payload = Array(b[40..<(40 + Int(b[4]) << 8 + Int(b[5]))])
            pseudo = PacketBuilder.pseudoHeaderSum(source: Array(b[8..<24]), destination: Array(b[24..<40]), protocol: proto, length: payload.count)
            if outer { figures.ipv6Outer += 1 } else { figures.ipv6Inner += 1 }
        } else {
            let hl = Int(first & 0x0f) * 4
            if PacketBuilder.internetChecksum(Array(b[..<hl])) != 0 { badChecksums += 1 }
            proto = b[9]
            payload = Array(b[hl..<(Int(b[2]) << 8 + Int(b[3]))])
            pseudo = PacketBuilder.pseudoHeaderSum(source: Array(b[12..<16]), destination: Array(b[16..<20]), protocol: proto, length: payload.count)
            figures.ipv4Outer += outer ? 1 : 0
        }
        if [6, 17, 58].contains(proto), PacketBuilder.internetChecksum(payload, initial: pseudo) != 0 { badChecksums += 1 }
        if proto == 1, PacketBuilder.internetChecksum(payload) != 0 { badChecksums += 1 }
        switch proto {
        case 41:
            figures.proto41 += 1
            ip(payload, outer: false)
        case 17:
            let sport = Int(payload[0]) << 8 | Int(payload[1]), dport = Int(payload[2]) << 8 | Int(payload[3])
            var data = Array(payload.dropFirst(8))
            if sport == 3544 || dport == 3544 {
                figures.teredo += 1
                if data.starts(with: [0, 0]) { data.removeFirst(8) }  // origin indication (RFC 4380 5.1.1)
                ip(data, outer: false)
            } else if sport == 53 || dport == 53, data[2] & 0x80 == 0 {
                let qtype = Int(data[data.count - 4]) << 8 | Int(data[data.count - 3])
                if qtype == 1 { figures.dnsA += 1 }
                if qtype == 28 { figures.dnsAAAA += 1 }
            }
        case 6:
            let flags = payload[13]
            guard flags & 0x02 != 0 else { break }
            switch (v6, flags & 0x10 != 0) {
            case (false, false): figures.synV4 += 1
            case (false, true): figures.synAckV4 += 1
            case (true, false): figures.synV6 += 1
            case (true, true): figures.synAckV6 += 1
            }
        default: break
        }
    }
}

@Suite("Sample captures: deterministic, committed, hand-counted")
struct SampleCaptureTests {
    /// Hand counts, derived scenario by scenario in Captures/README.md.
    static let expected: [String: SampleFigures] = [
        // 2 ND + 3 x (A q, AAAA q, A r, AAAA r) + www v6 session 6 + cdn (1 lost v6 SYN + 6 v4) + api v4 6.
        "dualstack_browsing.pcap": SampleFigures(packets: 33, ipv4Outer: 24, ipv6Outer: 9, dnsA: 3, dnsAAAA: 3,
                                                 synV4: 2, synV6: 2, synAckV4: 2, synAckV6: 1),
        // AAAA q/r over IPv4, then RS, RA, bubble, echo req/rep, SYN, SYN-ACK, ACK through UDP 3544.
        "teredo_client.pcap": SampleFigures(packets: 10, ipv4Outer: 10, ipv6Inner: 8, teredo: 8, dnsAAAA: 1,
                                            synV6: 1, synAckV6: 1),
        // echo 2 + AAAA q/r 2 + TCP 5 + 6to4 echo 2, all in protocol 41.
        "6in4_tunnel.pcap": SampleFigures(packets: 11, ipv4Outer: 11, ipv6Inner: 11, proto41: 11, dnsAAAA: 1,
                                          synV6: 1, synAckV6: 1),
        // ipv4only.arpa q/r, A q, AAAA q, A r, AAAA r, TCP 5, echo 2: all IPv6.
        "nat64_dns64.pcap": SampleFigures(packets: 13, ipv6Outer: 13, dnsA: 1, dnsAAAA: 2, synV6: 1, synAckV6: 1),
        // The 13 LAN packets plus 7 translated IPv4 packets (TCP 5, ICMP echo 2) on wan0.
        "nat64_dns64_2if.pcapng": SampleFigures(packets: 20, ipv4Outer: 7, ipv6Outer: 13, dnsA: 1, dnsAAAA: 2,
                                                synV4: 1, synV6: 1, synAckV4: 1, synAckV6: 1),
    ]

    @Test func scenariosMatchTheirHandCountedFigures() {
        let scenarios = SampleCaptures.all()
        #expect(Set(scenarios.map(\.fileName)) == Set(Self.expected.keys))
        for s in scenarios {
            var walker = SampleWalker()
            let (got, report) = readBytes(SampleCaptures.bytes(of: s), path: s.fileName)
            #expect(report.warnings.isEmpty)
            for g in got { walker.frame(g.bytes, linkType: g.linkType) }
            #expect(walker.figures == Self.expected[s.fileName], "\(s.fileName)")
            #expect(walker.badChecksums == 0, "\(s.fileName)")
            // Timestamps never go backwards within a file.
            #expect(got.map(\.timestamp) == got.map(\.timestamp).sorted(), "\(s.fileName)")
        }
    }

    @Test func twoInterfacePcapngHasDifferentLinkTypes() {
        let s = SampleCaptures.nat64TwoInterfaces()
        let (got, report) = readBytes(SampleCaptures.bytes(of: s))
        #expect(report.interfaces.map(\.linkType) == [.ethernet, .raw])
        #expect(report.interfaces.map(\.timestampResolution) == [.microseconds, .nanoseconds])
        #expect(report.interfaces.map(\.name) == ["lan0", "wan0"])
        #expect(got.filter { $0.interfaceIndex == 1 }.allSatisfy { $0.linkType == .raw && $0.bytes.first == 0x45 })
        #expect(got.filter { $0.interfaceIndex == 0 }.count == 13)
    }

    @Test func committedCapturesAreUpToDate() throws {
        let dir = SharedData.repoRoot.appendingPathComponent("Captures")
        for s in SampleCaptures.all() {
            let committed = try Data(contentsOf: dir.appendingPathComponent(s.fileName))
            #expect(Array(committed) == SampleCaptures.bytes(of: s), "\(s.fileName): run `netcensus capture synth`")
        }
        // And writing them reproduces the same bytes (determinism).
        let out = SharedData.temporaryDirectory("synth").path
        let paths = try SampleCaptures.write(to: out)
        #expect(paths.count == SampleCaptures.all().count)
        for p in paths {
            let name = URL(fileURLWithPath: p).lastPathComponent
            #expect(try Data(contentsOf: URL(fileURLWithPath: p)) == Data(contentsOf: dir.appendingPathComponent(name)))
        }
    }
}

@Suite("Packet builder: checksums and encodings against published vectors")
struct PacketBuilderTests {
    @Test func rfc1071Example() {
        // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0x2ddf0 -> folded 0xddf2;
        // the checksum is its complement 0x220d.
        #expect(PacketBuilder.internetChecksum([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]) == 0x220d)
    }

    @Test func ipv4HeaderChecksum() {
        // The classic worked example: 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7.
        let ip = PacketBuilder.ipv4(source: [192, 168, 0, 1], destination: [192, 168, 0, 199], protocol: 17,
                                    payload: [UInt8](repeating: 0, count: 0x73 - 20), ttl: 64)
        #expect(Array(ip[0..<20]) == hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7"))
    }

    @Test func dnsQueryEncoding() {
        // id 0x1234, flags RD, 1 question: 01 'a' 01 'b' 00, type A, class IN.
        #expect(PacketBuilder.dnsQuery(id: 0x1234, name: "a.b", type: 1)
                == hex("1234 0100 0001 0000 0000 0000 0161 0162 00 0001 0001"))
    }

    @Test func addressesAndIPv6Header() {
        #expect(PacketBuilder.address("2001:db8::1") == hex("20010db8 00000000 00000000 00000001"))
        #expect(PacketBuilder.address("64:ff9b::c000:201") == hex("0064ff9b 00000000 00000000 c0000201"))
        let h = PacketBuilder.ipv6(source: PacketBuilder.address("::1"), destination: PacketBuilder.address("::2"),
                                   nextHeader: 59, payload: [], hopLimit: 1, flowLabel: 0xabcde)
        #expect(Array(h[0..<8]) == hex("600abcde 0000 3b 01"))
    }

    @Test func udpChecksumOfAKnownDatagram() {
        // UDP 192.0.2.1:1 -> 192.0.2.2:2, payload "a" (0x61), length 9.
        // Pseudo-header words: c000 + 0201 + c000 + 0202 + 0011 + 0009 = 0x1841d;
        // header 0001 + 0002 + 0009 (+ checksum 0000) and payload 6100 = 0x610c;
        // total 0x1841d + 0x610c = 0x1e529 -> folded 0xe52a -> checksum ~0xe52a = 0x1ad5.
        let u = PacketBuilder.udp(source: [192, 0, 2, 1], destination: [192, 0, 2, 2], sourcePort: 1, destinationPort: 2, payload: [0x61])
        #expect(u == hex("0001 0002 0009 1ad5 61"))
    }
}
