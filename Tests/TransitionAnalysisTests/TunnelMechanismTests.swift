import Testing
import CaptureSamples
import PacketDecoding
import TrafficAnalysis
@testable import TransitionAnalysis

/// Protocol-41 mechanisms in a crafted capture: the inner addresses decide 6to4, ISATAP, 6rd
/// (only with `--6rd-prefix`) and 6in4; plus a CGN hint.
@Suite struct TunnelMechanismTests {
    static func proto41(_ c: inout CraftedCapture, _ ms: Double, inner6src: String, label: String) {
        let mac1 = CraftedCapture.mac("02:00:00:00:00:0a"), mac2 = CraftedCapture.mac("02:00:00:00:00:01")
        let s6 = CraftedCapture.a(inner6src), d6 = CraftedCapture.a("2a00:2::1")   // outside the 6rd prefix
        let inner = CraftedCapture.udpIP(s6, d6, 40000, 5000, [1, 2, 3, 4])
        let outer = PacketBuilder.ipv4(source: CraftedCapture.a("198.51.100.7"), destination: CraftedCapture.a("192.0.2.1"), protocol: 41, payload: inner)
        c.add(ms, PacketBuilder.ethernet(destination: mac2, source: mac1, etherType: 0x0800, payload: outer), label)
    }

    @Test func protocol41Variants() throws {
        var c = CraftedCapture()
        Self.proto41(&c, 0, inner6src: "2001:db8:c633:6407::1", label: "6rd")
        Self.proto41(&c, 1, inner6src: "2002:c633:6407::1", label: "6to4")
        Self.proto41(&c, 2, inner6src: "2a00:3::5efe:c633:6407", label: "isatap")
        Self.proto41(&c, 3, inner6src: "2a00:1::1", label: "6in4")
        // CGN hint: an IPv4 packet from 100.64.0.10.
        c.add(4, CraftedCapture.frame(CraftedCapture.mac("02:00:00:00:00:0b"), CraftedCapture.mac("02:00:00:00:00:01"),
                                      CraftedCapture.udpIP(CraftedCapture.a("100.64.0.10"), CraftedCapture.a("198.51.100.9"), 40000, 5000, [1])), "native_ipv4")
        var options = CraftedCapture.craftedOptions
        options.sixRDPrefix = IPPrefix("2001:db8::/32")
        let (t, _) = try c.analyze(options: options)
        for m in [TransitionMechanism.sixRD, .sixToFour, .isatap, .sixInFour] {
            #expect(t.mechanisms.first { $0.mechanism == m }!.packets == 1, "\(m.name)")
            #expect(t.mechanisms.first { $0.mechanism == m }!.connections == 1, "\(m.name)")
        }
        #expect(t.cgnPackets == 1 && t.cgnOriginators == 1)
        // The tunnelled traffic is IPv6 adoption (not translated).
        #expect(t.packets.ipv6 == 4 && t.packets.ipv4 == 1 && t.packets.translated == 0)
        // Without --6rd-prefix the first packet is plain 6in4.
        let (plain, _) = try c.analyze()
        #expect(plain.mechanisms.first { $0.mechanism == .sixInFour }!.packets == 2)
        #expect(plain.mechanisms.first { $0.mechanism == .sixRD }!.packets == 0)
    }
}
