import CaptureCore
import CaptureFiles
import CaptureJobs
import CaptureSamples
import Foundation
import PacketDecoding
import TestSupport
import TrafficAnalysis
import TransitionAnalysis

/// A capture written with the project's own `PacketBuilder`, each frame labelled by hand with the
/// mechanism it must count under, so the census truth is not derived from the analyzer.
struct CraftedCapture {
    static let base: Int64 = 1_700_000_000_000_000_000
    var writer = PcapWriter(linkType: .ethernet, snaplen: 65535)
    /// Hand labels: mechanism name -> (packets, bytes); "non_ip" for ARP.
    var expected: [String: (packets: UInt64, bytes: UInt64)] = [:]

    mutating func add(_ ms: Double, _ frame: [UInt8], _ mechanism: String) {
        writer.append(timestamp: Self.base + Int64((ms * 1_000_000).rounded()), packet: frame)
        var e = expected[mechanism] ?? (0, 0)
        e.packets += 1; e.bytes += UInt64(frame.count)
        expected[mechanism] = e
    }

    static func a(_ t: String) -> [UInt8] { PacketBuilder.address(t) }
    static func mac(_ t: String) -> [UInt8] { PacketBuilder.mac(t) }

    static func frame(_ src: [UInt8], _ dst: [UInt8], _ ip: [UInt8]) -> [UInt8] {
        PacketBuilder.ethernet(destination: dst, source: src, etherType: ip[0] >> 4 == 6 ? 0x86dd : 0x0800, payload: ip)
    }

    static func tcpIP(_ s: [UInt8], _ d: [UInt8], _ sp: UInt16, _ dp: UInt16, seq: UInt32, ack: UInt32, flags: UInt8, payload: Int = 0) -> [UInt8] {
        let seg = PacketBuilder.tcp(source: s, destination: d, sourcePort: sp, destinationPort: dp, sequence: seq, acknowledgment: ack,
                                    flags: flags, payload: [UInt8](repeating: 0x41, count: payload))
        return PacketBuilder.ip(source: s, destination: d, protocol: 6, payload: seg)
    }

    static func udpIP(_ s: [UInt8], _ d: [UInt8], _ sp: UInt16, _ dp: UInt16, _ payload: [UInt8]) -> [UInt8] {
        PacketBuilder.ip(source: s, destination: d, protocol: 17, payload: PacketBuilder.udp(source: s, destination: d, sourcePort: sp, destinationPort: dp, payload: payload))
    }

    /// A TCP connection: SYN at `ms`; unless `answered` is false, SYN-ACK at ms+rtt and ACK at
    /// ms+rtt+1; then either client data (100 B) at +2 and server data (500 B) at +3, or a client
    /// RST at +2 (`clientReset`), or nothing (`data` false).
    mutating func tcp(_ ms: Double, clientMAC: [UInt8], routerMAC: [UInt8], client: [UInt8], server: [UInt8], cport: UInt16, sport: UInt16,
                      rtt: Double, answered: Bool = true, data: Bool = true, clientReset: Bool = false, mechanism: String) {
        add(ms, Self.frame(clientMAC, routerMAC, Self.tcpIP(client, server, cport, sport, seq: 1000, ack: 0, flags: 0x02)), mechanism)
        guard answered else { return }
        add(ms + rtt, Self.frame(routerMAC, clientMAC, Self.tcpIP(server, client, sport, cport, seq: 5000, ack: 1001, flags: 0x12)), mechanism)
        add(ms + rtt + 1, Self.frame(clientMAC, routerMAC, Self.tcpIP(client, server, cport, sport, seq: 1001, ack: 5001, flags: 0x10)), mechanism)
        if clientReset {
            add(ms + rtt + 2, Self.frame(clientMAC, routerMAC, Self.tcpIP(client, server, cport, sport, seq: 1001, ack: 5001, flags: 0x14)), mechanism)
        } else if data {
            add(ms + rtt + 2, Self.frame(clientMAC, routerMAC, Self.tcpIP(client, server, cport, sport, seq: 1001, ack: 5001, flags: 0x18, payload: 100)), mechanism)
            add(ms + rtt + 3, Self.frame(routerMAC, clientMAC, Self.tcpIP(server, client, sport, cport, seq: 5001, ack: 1101, flags: 0x18, payload: 500)), mechanism)
        }
    }

    /// A DNS query at `ms` and, when `answerMs` is set, its response with `answers`.
    mutating func dns(_ ms: Double, answerMs: Double?, clientMAC: [UInt8], routerMAC: [UInt8], client: [UInt8], resolver: [UInt8],
                      port: UInt16, id: UInt16, name: String, type: UInt16, answers: [String], mechanism: String) {
        add(ms, Self.frame(clientMAC, routerMAC, Self.udpIP(client, resolver, port, 53, PacketBuilder.dnsQuery(id: id, name: name, type: type))), mechanism)
        guard let r = answerMs else { return }
        let rdata = answers.map { Self.a($0) }
        add(r, Self.frame(routerMAC, clientMAC, Self.udpIP(resolver, client, 53, port,
                                                           PacketBuilder.dnsResponse(id: id, name: name, type: type, answers: rdata))), mechanism)
    }

    /// Options for crafted captures: they number everything in the documentation range
    /// 2001:db8::/32 (RFC 3849), NAT64 prefixes included, so learning those is allowed.
    static var craftedOptions: TransitionOptions {
        var o = TransitionOptions()
        o.learnDocumentationPrefixes = true
        return o
    }

    /// Writes the capture and reads it through `CaptureFileJob` with the transition analysis.
    func analyze(options: TransitionOptions = CraftedCapture.craftedOptions) throws -> (TransitionSummary, AdoptionSummary) {
        let dir = SharedData.temporaryDirectory("transition")
        let path = dir.appendingPathComponent("crafted.pcap").path
        try writer.write(to: path)
        var t = TransitionAnalyzer(options: options)
        let r = CaptureFileJob.run(path: path, transition: &t)
        try? FileManager.default.removeItem(at: dir)
        return (t.finish(), r.summary)
    }
}

/// The main scenario of docs/transition.md "Worked example": every behaviour of the issue in
/// one home network, times in ms from the capture start.
enum HomeNetwork {
    static let router = CraftedCapture.mac("02:00:00:00:00:01")
    static let laptop = CraftedCapture.mac("02:00:00:00:00:0a")      // dual-stack, temporary addresses
    static let broken = CraftedCapture.mac("02:00:00:00:00:0b")      // IPv6 broken, EUI-64 address
    static let v6only = CraftedCapture.mac("02:00:00:00:00:0c")      // IPv6-only with DNS64/NAT64
    static let phone = CraftedCapture.mac("02:00:00:00:00:0d")       // CLAT (464XLAT)
    static let b4 = CraftedCapture.mac("02:00:00:00:00:0e")          // DS-Lite B4
    static let printer = CraftedCapture.mac("02:00:00:00:00:0f")     // IPv4-only

    static let resolver4 = CraftedCapture.a("192.168.1.1"), resolver6 = CraftedCapture.a("2001:db8:1:1::1")
    static let laptop4 = CraftedCapture.a("192.168.1.10")
    static let laptopStable = CraftedCapture.a("2001:db8:1:1:1111:2222:3333:4444")
    static let laptopTemp1 = CraftedCapture.a("2001:db8:1:1:aaaa::1")
    static let laptopTemp2 = CraftedCapture.a("2001:db8:1:1:bbbb::2")
    static let broken4 = CraftedCapture.a("192.168.1.11")
    static let brokenEUI64 = CraftedCapture.a("2001:db8:1:1:0:ff:fe00:b")
    static let v6only6 = CraftedCapture.a("2001:db8:1:1::c")
    static let clat = CraftedCapture.a("2001:db8:1:1::c000:1")       // embeds 192.0.0.1
    static let printer4 = CraftedCapture.a("192.168.1.20")

    static func build() -> CraftedCapture {
        var c = CraftedCapture()
        let R = router
        // Laptop's stable address: NTP at 1 ms and 9000 ms (one UDP connection, span 8999 ms).
        c.add(1, CraftedCapture.frame(laptop, R, CraftedCapture.udpIP(laptopStable, CraftedCapture.a("2001:db8:ff::123"), 123, 123, [0x23] + [UInt8](repeating: 0, count: 47))), "native_ipv6")
        c.add(5, CraftedCapture.frame(R, laptop, CraftedCapture.udpIP(CraftedCapture.a("2001:db8:ff::123"), laptopStable, 123, 123, [0x24] + [UInt8](repeating: 0, count: 47))), "native_ipv6")

        // Race 1, IPv6 wins: a.example, AAAA answered first (20 ms), A at 22, IPv6 SYN at 25 ms.
        c.dns(10, answerMs: 20, clientMAC: laptop, routerMAC: R, client: laptop4, resolver: resolver4, port: 50001, id: 1,
              name: "a.example", type: 28, answers: ["2001:db8:ff::a"], mechanism: "native_ipv4")
        c.dns(10.1, answerMs: 22, clientMAC: laptop, routerMAC: R, client: laptop4, resolver: resolver4, port: 50002, id: 2,
              name: "a.example", type: 1, answers: ["198.51.100.1"], mechanism: "native_ipv4")
        c.tcp(25, clientMAC: laptop, routerMAC: R, client: laptopTemp1, server: CraftedCapture.a("2001:db8:ff::a"), cport: 40001, sport: 443,
              rtt: 20, mechanism: "native_ipv6")

        // Race 2, IPv6 broken, fallback after 250 ms (broken device): b.example.
        c.dns(1000, answerMs: 1010, clientMAC: broken, routerMAC: R, client: broken4, resolver: resolver4, port: 50003, id: 3,
              name: "b.example", type: 28, answers: ["2001:db8:ff::b"], mechanism: "native_ipv4")
        c.dns(1000.1, answerMs: 1011, clientMAC: broken, routerMAC: R, client: broken4, resolver: resolver4, port: 50004, id: 4,
              name: "b.example", type: 1, answers: ["198.51.100.2"], mechanism: "native_ipv4")
        c.tcp(1015, clientMAC: broken, routerMAC: R, client: brokenEUI64, server: CraftedCapture.a("2001:db8:ff::b"), cport: 40002, sport: 443,
              rtt: 0, answered: false, mechanism: "native_ipv6")
        c.tcp(1265, clientMAC: broken, routerMAC: R, client: broken4, server: CraftedCapture.a("198.51.100.2"), cport: 40003, sport: 443,
              rtt: 20, mechanism: "native_ipv4")

        // Race 3, Resolution Delay: c.example, A answered at 3005, AAAA at 3040; QUIC over IPv6 at 3041.
        c.dns(3000, answerMs: 3005, clientMAC: laptop, routerMAC: R, client: laptop4, resolver: resolver4, port: 50005, id: 5,
              name: "c.example", type: 1, answers: ["198.51.100.3"], mechanism: "native_ipv4")
        c.dns(3000, answerMs: 3040, clientMAC: laptop, routerMAC: R, client: laptop4, resolver: resolver4, port: 50006, id: 6,
              name: "c.example", type: 28, answers: ["2001:db8:ff::c"], mechanism: "native_ipv4")
        c.add(3041, CraftedCapture.frame(laptop, R, CraftedCapture.udpIP(laptopTemp2, CraftedCapture.a("2001:db8:ff::c"), 50443, 443, [UInt8](repeating: 0xc3, count: 1200))), "native_ipv6")
        c.add(3061, CraftedCapture.frame(R, laptop, CraftedCapture.udpIP(CraftedCapture.a("2001:db8:ff::c"), laptopTemp2, 443, 50443, [UInt8](repeating: 0xc1, count: 1200))), "native_ipv6")

        // Race 4, both handshakes complete, the client resets the IPv6 loser: d.example.
        c.dns(4000, answerMs: 4010, clientMAC: laptop, routerMAC: R, client: laptop4, resolver: resolver4, port: 50007, id: 7,
              name: "d.example", type: 28, answers: ["2001:db8:ff::d"], mechanism: "native_ipv4")
        c.dns(4000, answerMs: 4011, clientMAC: laptop, routerMAC: R, client: laptop4, resolver: resolver4, port: 50008, id: 8,
              name: "d.example", type: 1, answers: ["198.51.100.4"], mechanism: "native_ipv4")
        c.tcp(4015, clientMAC: laptop, routerMAC: R, client: laptopTemp2, server: CraftedCapture.a("2001:db8:ff::d"), cport: 40004, sport: 443,
              rtt: 350, clientReset: true, mechanism: "native_ipv6")
        c.tcp(4315, clientMAC: laptop, routerMAC: R, client: laptop4, server: CraftedCapture.a("198.51.100.4"), cport: 40005, sport: 443,
              rtt: 10, mechanism: "native_ipv4")

        // DNS64 with ipv4only.arpa (RFC 7050), IPv6-only device: prefix 2001:db8:64::/96.
        c.dns(5000, answerMs: 5005, clientMAC: v6only, routerMAC: R, client: v6only6, resolver: resolver6, port: 50009, id: 9,
              name: "ipv4only.arpa", type: 28, answers: ["2001:db8:64::c000:aa", "2001:db8:64::c000:ab"], mechanism: "native_ipv6")
        c.dns(5100, answerMs: 5105, clientMAC: v6only, routerMAC: R, client: v6only6, resolver: resolver6, port: 50010, id: 10,
              name: "v4only.example", type: 28, answers: ["2001:db8:64::cb00:7107"], mechanism: "native_ipv6")
        c.tcp(5110, clientMAC: v6only, routerMAC: R, client: v6only6, server: CraftedCapture.a("2001:db8:64::cb00:7107"), cport: 40006, sport: 443,
              rtt: 30, mechanism: "nat64")

        // PREF64 in an RA (RFC 8781): 2001:db8:6464::/96, lifetime 600 s; then a NAT64 connection.
        c.routerAdvertisement(6000, sourceMAC: R, source: "fe80::1", pref64: "2001:db8:6464::")
        c.tcp(6100, clientMAC: laptop, routerMAC: R, client: laptopTemp1, server: CraftedCapture.a("2001:db8:6464::c633:640a"), cport: 40007, sport: 443,
              rtt: 25, mechanism: "nat64")

        // A CLAT (464XLAT): 2001:db8:1:1::c000:1 (192.0.0.1 embedded) to the well-known prefix.
        c.add(7000, CraftedCapture.frame(phone, R, CraftedCapture.udpIP(clat, CraftedCapture.a("64:ff9b::c633:6401"), 40008, 5000, [1, 2, 3, 4])), "464xlat")
        c.add(7020, CraftedCapture.frame(R, phone, CraftedCapture.udpIP(CraftedCapture.a("64:ff9b::c633:6401"), clat, 5000, 40008, [5, 6, 7, 8])), "464xlat")

        // DS-Lite: B4 2001:db8:1:1::e <-> AFTR 2001:db8:aa::1, inner 192.0.0.2 -> 198.51.100.9:80.
        let b4v6 = CraftedCapture.a("2001:db8:1:1::e"), aftr = CraftedCapture.a("2001:db8:aa::1")
        let inner4 = CraftedCapture.a("192.0.0.2"), web4 = CraftedCapture.a("198.51.100.9")
        func softwire(_ ms: Double, up: Bool, _ inner: [UInt8]) {
            let ip = PacketBuilder.ipv6(source: up ? b4v6 : aftr, destination: up ? aftr : b4v6, nextHeader: 4, payload: inner)
            c.add(ms, PacketBuilder.ethernet(destination: up ? R : b4, source: up ? b4 : R, etherType: 0x86dd, payload: ip), "ds_lite")
        }
        softwire(8000, up: true, CraftedCapture.tcpIP(inner4, web4, 40009, 80, seq: 1, ack: 0, flags: 0x02))
        softwire(8020, up: false, CraftedCapture.tcpIP(web4, inner4, 80, 40009, seq: 9, ack: 2, flags: 0x12))
        softwire(8021, up: true, CraftedCapture.tcpIP(inner4, web4, 40009, 80, seq: 2, ack: 10, flags: 0x10))

        // IPv4-only printer: ARP for the router, then HTTP to 198.51.100.50.
        let arp: [UInt8] = [0, 1, 0x08, 0, 6, 4, 0, 1] + printer + printer4 + [0, 0, 0, 0, 0, 0] + resolver4
        c.add(8400, PacketBuilder.ethernet(destination: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], source: printer, etherType: 0x0806, payload: arp), "non_ip")
        c.tcp(8500, clientMAC: printer, routerMAC: R, client: printer4, server: CraftedCapture.a("198.51.100.50"), cport: 40010, sport: 80,
              rtt: 5, mechanism: "native_ipv4")

        // The laptop's stable address again (same NTP 5-tuple).
        c.add(9000, CraftedCapture.frame(laptop, R, CraftedCapture.udpIP(laptopStable, CraftedCapture.a("2001:db8:ff::123"), 123, 123, [0x23] + [UInt8](repeating: 0, count: 47))), "native_ipv6")
        return c
    }
}

extension CraftedCapture {
    /// An ICMPv6 message in an Ethernet frame, hop limit 255 as Neighbor Discovery requires
    /// (RFC 4861 section 6.1) unless `hopLimit` says otherwise, labelled `native_ipv6`.
    mutating func icmpv6(_ ms: Double, sourceMAC: [UInt8], destinationMAC: [UInt8], source: String, destination: String,
                         type: UInt8, code: UInt8 = 0, body: [UInt8], hopLimit: UInt8 = 255) {
        let s = Self.a(source), d = Self.a(destination)
        let ip = PacketBuilder.ipv6(source: s, destination: d, nextHeader: 58,
                                    payload: PacketBuilder.icmpv6(source: s, destination: d, type: type, code: code, body: body), hopLimit: hopLimit)
        add(ms, PacketBuilder.ethernet(destination: destinationMAC, source: sourceMAC, etherType: 0x86dd, payload: ip), "native_ipv6")
    }

    /// A Router Advertisement (RFC 4861 section 4.2: hop limit 64, router lifetime 1800 s) to
    /// ff02::1 carrying one PREF64 option (RFC 8781 section 4) for the /96 starting at `pref64`,
    /// scaled lifetime 75 (600 s; `lifetime` seconds, a multiple of 8), PLC 0.
    /// A `code` other than 0 or a `hopLimit` other than 255 makes an RA that ND discards
    /// (RFC 4861 section 6.1.2).
    mutating func routerAdvertisement(_ ms: Double, sourceMAC: [UInt8], source: String, pref64: String, lifetime: Int = 600,
                                      code: UInt8 = 0, hopLimit: UInt8 = 255) {
        let body: [UInt8] = [64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0] + Self.pref64Option(pref64, lifetime: lifetime)
        icmpv6(ms, sourceMAC: sourceMAC, destinationMAC: Self.mac("33:33:00:00:00:01"), source: source, destination: "ff02::1",
               type: 134, code: code, body: body, hopLimit: hopLimit)
    }

    /// A PREF64 option (RFC 8781 section 4): the /96 starting at `prefix`, PLC 0.
    static func pref64Option(_ prefix: String, lifetime: Int = 600) -> [UInt8] {
        [38, 2, UInt8(lifetime >> 8 & 0xff), UInt8(lifetime & 0xf8)] + Array(a(prefix)[0..<12])
    }
}
