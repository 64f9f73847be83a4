import Testing
import PacketDecoding
@testable import TrafficAnalysis

/// Builds an IPv6 address from its eight 16-bit groups.
func v6(_ g: [UInt16]) -> IPAddress {
    precondition(g.count == 8)
    var h: UInt64 = 0, l: UInt64 = 0
    for i in 0..<4 { h = h << 16 | UInt64(g[i]); l = l << 16 | UInt64(g[i + 4]) }
    return IPAddress(v6High: h, low: l)
}
func v4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> IPAddress {
    IPAddress(v4: UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d))
}

@Suite struct AddressClassTests {
    // Each row: an address at or next to a registry boundary and the class the IANA
    // special-purpose registries give it.
    @Test(arguments: [
        (v4(0, 0, 0, 0), AddressClass.ipv4ThisNetwork),
        (v4(10, 255, 255, 255), .ipv4Private),
        (v4(172, 16, 0, 1), .ipv4Private),
        (v4(172, 31, 255, 255), .ipv4Private),
        (v4(172, 32, 0, 0), .ipv4Public),             // just past 172.16/12
        (v4(192, 168, 1, 1), .ipv4Private),
        (v4(100, 64, 0, 1), .ipv4SharedCGN),          // RFC 6598 start
        (v4(100, 127, 255, 254), .ipv4SharedCGN),     // RFC 6598 end
        (v4(100, 128, 0, 1), .ipv4Public),            // just past 100.64/10
        (v4(127, 0, 0, 1), .ipv4Loopback),
        (v4(169, 254, 3, 4), .ipv4LinkLocal),
        (v4(192, 0, 0, 2), .ipv4IETFProtocol),        // DS-Lite B4 range 192.0.0.0/29
        (v4(192, 0, 2, 1), .ipv4Documentation),
        (v4(198, 51, 100, 7), .ipv4Documentation),
        (v4(203, 0, 113, 9), .ipv4Documentation),
        (v4(198, 19, 0, 1), .ipv4Benchmarking),
        (v4(192, 88, 99, 1), .ipv4SixToFourRelay),
        (v4(224, 0, 0, 251), .ipv4Multicast),
        (v4(239, 255, 255, 250), .ipv4Multicast),
        (v4(240, 0, 0, 1), .ipv4Reserved),
        (v4(255, 255, 255, 255), .ipv4Broadcast),
        (v4(8, 8, 8, 8), .ipv4Public),
        (v6([0, 0, 0, 0, 0, 0, 0, 0]), .ipv6Unspecified),
        (v6([0, 0, 0, 0, 0, 0, 0, 1]), .ipv6Loopback),
        (v6([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]), .ipv6IPv4Mapped),
        (v6([0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0201]), .ipv6NAT64WellKnown),
        // 64:ff9b::1:0:0:1 prints with the 64:ff9b:: text prefix but is outside the /96 (AUDIT.md point 9).
        (v6([0x64, 0xff9b, 0, 0, 1, 0, 0, 1]), .ipv6Reserved),
        (v6([0x64, 0xff9b, 1, 0, 0, 0, 0xc000, 0x0201]), .ipv6NAT64LocalUse),
        (v6([0x100, 0, 0, 0, 0, 0, 0, 1]), .ipv6DiscardOnly),
        (v6([0x2001, 0, 0x4136, 0xe378, 0x8000, 0x63bf, 0x3fff, 0xfdd2]), .ipv6Teredo),
        (v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), .ipv6Documentation),
        (v6([0x3fff, 0x0fff, 0, 0, 0, 0, 0, 1]), .ipv6Documentation),   // RFC 9637 3fff::/20
        (v6([0x3fff, 0x1000, 0, 0, 0, 0, 0, 1]), .ipv6GlobalUnicast),   // just past 3fff::/20
        (v6([0x2002, 0xc000, 0x0204, 0, 0, 0, 0, 1]), .ipv6SixToFour),
        (v6([0x2a00, 0x1450, 1, 2, 0x0200, 0x5efe, 0xc000, 0x0201]), .ipv6ISATAP),
        (v6([0x2a00, 0x1450, 1, 2, 0x0100, 0x5efe, 0xc000, 0x0201]), .ipv6GlobalUnicast), // group-bit form is not ISATAP
        (v6([0xfd00, 0, 0, 0, 0, 0, 0, 1]), .ipv6UniqueLocal),
        (v6([0xfc00, 0, 0, 0, 0, 0, 0, 1]), .ipv6UniqueLocal),
        (v6([0xfe80, 0, 0, 0, 0, 0x5efe, 0xc000, 0x0201]), .ipv6LinkLocal), // ISATAP link-local stays link-local
        (v6([0xfebf, 0xffff, 0, 0, 0, 0, 0, 1]), .ipv6LinkLocal),
        (v6([0xfec0, 0, 0, 0, 0, 0, 0, 1]), .ipv6Reserved),             // deprecated site-local
        (v6([0xff02, 0, 0, 0, 0, 0, 0, 0x16]), .ipv6Multicast),
        (v6([0x2a00, 0x1450, 0x4001, 0x80b, 0, 0, 0, 0x200e]), .ipv6GlobalUnicast),
        (v6([0x4000, 0, 0, 0, 0, 0, 0, 1]), .ipv6Reserved),             // outside 2000::/3
    ])
    func classifies(address: IPAddress, expected: AddressClass) {
        #expect(AddressClass(address) == expected, "\(address)")
        #expect(AddressClass(address).family == address.family)
    }

    @Test func multicastBroadcastAndUnspecifiedAreNeverHosts() {
        #expect(!AddressClass.ipv4Multicast.isHost)
        #expect(!AddressClass.ipv4Broadcast.isHost)
        #expect(!AddressClass.ipv6Multicast.isHost)
        #expect(!AddressClass.ipv6Unspecified.isHost)
        #expect(AddressClass.ipv6LinkLocal.isHost)
        #expect(AddressClass.ipv4SharedCGN.isHost)
    }

    @Test func classNamesAreUniqueSnakeCase() {
        let names = AddressClass.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        for n in names { #expect(n.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(n)") }
    }

    // RFC 4380 section 4 example: server 65.54.227.120 (0x4136e378), cone flag 0x8000,
    // port 40000 stored as ~40000 = 0x63bf, client 192.0.2.45 stored as ~0xc000022d = 0x3ffffdd2.
    @Test func teredoServerClientAndPortAreDeobfuscated() throws {
        let a = v6([0x2001, 0, 0x4136, 0xe378, 0x8000, 0x63bf, 0x3fff, 0xfdd2])
        let t = try #require(TransitionAddressForms.teredo(a))
        #expect(t.server == v4(65, 54, 227, 120))
        #expect(t.clientIPv4 == v4(192, 0, 2, 45))
        #expect(t.clientPort == 40000)
        #expect(t.flags == 0x8000)
        #expect(TransitionAddressForms.teredo(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1])) == nil)
    }

    @Test func embeddedIPv4Addresses() {
        // 2002:c000:0204::1 carries 192.0.2.4 in bits 16-47 (RFC 3056 section 2).
        #expect(TransitionAddressForms.sixToFourIPv4(v6([0x2002, 0xc000, 0x0204, 0, 0, 0, 0, 1])) == v4(192, 0, 2, 4))
        // ISATAP: low 32 bits after 0000:5efe / 0200:5efe (RFC 5214 section 6.1).
        #expect(TransitionAddressForms.isatapIPv4(v6([0xfe80, 0, 0, 0, 0, 0x5efe, 0xc000, 0x0201])) == v4(192, 0, 2, 1))
        #expect(TransitionAddressForms.isatapIPv4(v6([0x2002, 0xc000, 0x0204, 1, 0x200, 0x5efe, 0xc000, 0x0204])) == v4(192, 0, 2, 4))
        #expect(TransitionAddressForms.isatapIPv4(v6([0xfe80, 0, 0, 0, 0x100, 0x5efe, 0xc000, 0x0201])) == nil)
        // NAT64 WKP: last 32 bits of the /96 (RFC 6052 section 2.2).
        #expect(TransitionAddressForms.nat64IPv4(v6([0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221])) == v4(192, 0, 2, 33))
        #expect(TransitionAddressForms.nat64IPv4(v6([0x64, 0xff9b, 1, 0, 0, 0, 0xc000, 0x0221])) == nil)
        #expect(TransitionAddressForms.mappedIPv4(v6([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001])) == v4(10, 0, 0, 1))
    }

    @Test func transitionFormsMayOverlap() {
        // ISATAP identifier under a 6to4 prefix: both forms, primary class 6to4.
        let a = v6([0x2002, 0xc000, 0x0204, 1, 0, 0x5efe, 0xc000, 0x0204])
        #expect(TransitionAddressForms.isSixToFour(a) && TransitionAddressForms.isISATAP(a))
        #expect(AddressClass(a) == .ipv6SixToFour)
        #expect(TransitionAddressForms.isNAT64(v6([0x64, 0xff9b, 1, 0xabcd, 0, 0, 0, 1])))
        #expect(!TransitionAddressForms.isNAT64(v6([0x64, 0xff9b, 0, 0, 1, 0, 0, 1])))
    }
}
