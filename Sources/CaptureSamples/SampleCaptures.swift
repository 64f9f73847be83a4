import CaptureFiles
import CaptureCore

/// One packet of a sample scenario: when, on which interface, and the link-layer frame.
public struct SampleFrame: Sendable {
    /// Nanoseconds since the Unix epoch.
    public var timestamp: Int64
    /// Index into the scenario's `interfaces`.
    public var interface: Int
    /// The frame as the interface's link type carries it.
    public var frame: [UInt8]
}

/// A deterministic capture scenario and the file it is written to.
public struct SampleScenario: Sendable {
    public var fileName: String
    public var format: CaptureFileFormat
    /// (link type, name, pcapng `if_tsresol` byte or nil for microseconds) per interface.
    public var interfaces: [(linkType: LinkType, name: String, tsresol: UInt8?)]
    public var frames: [SampleFrame]
}

/// The sample captures under `Captures/` (see Captures/README.md for the hand-counted figures).
///
/// Every scenario uses documentation addresses (RFC 5737 IPv4, RFC 3849 IPv6) except where a
/// mechanism needs its own prefix: Teredo 2001::/32 (RFC 4380), 6to4 2002::/16 (RFC 3056) with
/// the 192.88.99.1 relay anycast, NAT64 64:ff9b::/96 (RFC 6052) and ipv4only.arpa (RFC 7050).
/// Timestamps start at 2026-01-01T00:00:00Z, so files are byte-identical on every run.
public enum SampleCaptures {
    /// 2026-01-01T00:00:00Z in nanoseconds.
    public static let epoch: Int64 = 1_767_225_600 * 1_000_000_000

    /// All scenarios in file-name order.
    public static func all() -> [SampleScenario] {
        [dualStackBrowsing(), nat64TwoInterfaces(), nat64(), sixIn4Tunnel(), teredoClient()].sorted { $0.fileName < $1.fileName }
    }

    /// Writes every scenario into `directory` (which must exist); returns the paths written.
    /// - Throws: `CaptureWriteError`.
    public static func write(to directory: String) throws -> [String] {
        var paths: [String] = []
        for s in all() {
            let path = directory.hasSuffix("/") ? directory + s.fileName : directory + "/" + s.fileName
            try bytes(of: s).writeTo(path)
            paths.append(path)
        }
        return paths
    }

    /// The file bytes of a scenario (pcap: little-endian usec, one interface; pcapng: one
    /// section, one IDB per interface, EPBs, then a name resolution and a statistics block).
    public static func bytes(of s: SampleScenario) -> [UInt8] {
        switch s.format {
        case .pcap:
            var w = PcapWriter(linkType: s.interfaces[0].linkType, snaplen: 65535)
            for f in s.frames { w.append(timestamp: f.timestamp, packet: f.frame) }
            return w.bytes
        case .pcapng:
            var w = PcapngWriter(byteOrder: .little, comment: "NetCensus sample: \(s.fileName)")
            for i in s.interfaces { w.addInterface(linkType: i.linkType, snaplen: 65535, tsresol: i.tsresol, name: i.name) }
            for f in s.frames { w.appendEnhancedPacket(interface: f.interface, timestamp: f.timestamp, packet: f.frame) }
            w.appendNameResolution(ipv4: PacketBuilder.address("203.0.113.34"), name: "v4only.example.com")
            let last = s.frames.last?.timestamp ?? epoch
            for i in s.interfaces.indices {
                w.appendInterfaceStatistics(interface: i, timestamp: last, received: UInt64(s.frames.filter { $0.interface == i }.count))
            }
            return w.bytes
        }
    }

    // MARK: Scenario building blocks

    typealias B = PacketBuilder

    /// A host on an Ethernet segment.
    struct Host {
        var mac: [UInt8]
        var v4: [UInt8]
        var v6: [UInt8]
        init(mac: String, v4: String = "0.0.0.0", v6: String = "::") {
            self.mac = B.mac(mac); self.v4 = B.address(v4); self.v6 = B.address(v6)
        }
    }

    /// Accumulates frames at millisecond offsets from `epoch + startMs`.
    struct Trace {
        var frames: [SampleFrame] = []
        var startMs: Int64 = 0
        /// Adds `frame` at `ms` (fractional milliseconds allowed) on `interface`.
        mutating func add(_ ms: Double, _ frame: [UInt8], interface: Int = 0) {
            let ns = SampleCaptures.epoch + (startMs * 1_000_000) + Int64(ms * 1_000_000)
            frames.append(SampleFrame(timestamp: ns, interface: interface, frame: frame))
        }
    }

    /// Ethernet frame carrying `ip`; the EtherType follows the IP version nibble.
    static func eth(_ from: Host, _ to: [UInt8], _ ip: [UInt8]) -> [UInt8] {
        B.ethernet(destination: to, source: from.mac, etherType: ip[0] >> 4 == 6 ? B.EtherType.ipv6 : B.EtherType.ipv4, payload: ip)
    }

    static func udpIP(_ src: [UInt8], _ dst: [UInt8], _ sport: UInt16, _ dport: UInt16, _ payload: [UInt8]) -> [UInt8] {
        B.ip(source: src, destination: dst, protocol: B.IPProtocol.udp,
             payload: B.udp(source: src, destination: dst, sourcePort: sport, destinationPort: dport, payload: payload))
    }

    static func tcpIP(_ src: [UInt8], _ dst: [UInt8], _ sport: UInt16, _ dport: UInt16, seq: UInt32, ack: UInt32,
                      _ flags: UInt8, _ payload: [UInt8] = []) -> [UInt8] {
        let syn = flags & B.TCPFlags.syn != 0
        return B.ip(source: src, destination: dst, protocol: B.IPProtocol.tcp,
                    payload: B.tcp(source: src, destination: dst, sourcePort: sport, destinationPort: dport,
                                   sequence: seq, acknowledgment: ack, flags: flags,
                                   options: syn ? B.mssOption(src.count == 16 ? 1440 : 1460) : [], payload: payload))
    }

    static func icmp6IP(_ src: [UInt8], _ dst: [UInt8], type: UInt8, body: [UInt8], hopLimit: UInt8 = 64) -> [UInt8] {
        B.ipv6(source: src, destination: dst, nextHeader: B.IPProtocol.icmpv6,
               payload: B.icmpv6(source: src, destination: dst, type: type, body: body), hopLimit: hopLimit)
    }

    /// A TCP exchange client->server: SYN, SYN-ACK, ACK, request (PSH|ACK), response (PSH|ACK), ACK.
    /// `send(ms, fromClient, ip)` places each packet; returns nothing, six packets are sent.
    static func tcpSession(_ c: [UInt8], _ s: [UInt8], cport: UInt16, sport: UInt16, request: [UInt8], response: [UInt8],
                           at t0: Double, rtt: Double, send: (Double, Bool, [UInt8]) -> Void) {
        let F = B.TCPFlags.self
        let ci: UInt32 = 0x1000_0000 &+ UInt32(cport), si: UInt32 = 0x2000_0000 &+ UInt32(sport)
        send(t0, true, tcpIP(c, s, cport, sport, seq: ci, ack: 0, F.syn))
        send(t0 + rtt, false, tcpIP(s, c, sport, cport, seq: si, ack: ci + 1, F.syn | F.ack))
        send(t0 + rtt + 0.1, true, tcpIP(c, s, cport, sport, seq: ci + 1, ack: si + 1, F.ack))
        send(t0 + rtt + 0.2, true, tcpIP(c, s, cport, sport, seq: ci + 1, ack: si + 1, F.psh | F.ack, request))
        send(t0 + 2 * rtt + 5, false, tcpIP(s, c, sport, cport, seq: si + 1, ack: ci + 1 + UInt32(request.count), F.psh | F.ack, response))
        send(t0 + 2 * rtt + 5.1, true, tcpIP(c, s, cport, sport, seq: ci + 1 + UInt32(request.count), ack: si + 1 + UInt32(response.count), F.ack))
    }

    static func httpGet(_ host: String) -> [UInt8] { Array("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8) }
    static let httpOK = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)

    // MARK: Scenarios

    /// Dual-stack browsing: ND for the gateway, then three sites, each with an A and an AAAA
    /// lookup over IPv4 and a Happy Eyeballs (RFC 8305) connection:
    /// * www.example.com has both; IPv6 wins (6 IPv6 packets).
    /// * cdn.example.net has both, but the IPv6 SYN is lost; after the 250 ms Connection Attempt
    ///   Delay the client tries IPv4, which completes (1 IPv6 + 6 IPv4 packets).
    /// * api.example.org has no AAAA (NODATA); IPv4 only (6 IPv4 packets).
    public static func dualStackBrowsing() -> SampleScenario {
        let client = Host(mac: "02:00:00:00:00:10", v4: "192.168.1.10", v6: "2001:db8:1::10")
        let router = Host(mac: "02:00:00:00:00:01", v4: "192.168.1.1", v6: "fe80::1")
        let clientLL = B.address("fe80::10")
        var t = Trace()
        // RFC 4861 section 4.3/4.4: NS to the solicited-node group, NA back (R, S, O flags).
        let ns = B.address("ff02::1:ff00:1")
        t.add(0, eth(client, B.mac("33:33:ff:00:00:01"),
                     icmp6IP(clientLL, ns, type: 135, body: [0, 0, 0, 0] + router.v6 + [1, 1] + client.mac, hopLimit: 255)))
        t.add(0.4, eth(router, client.mac,
                       icmp6IP(router.v6, clientLL, type: 136, body: [0xe0, 0, 0, 0] + router.v6 + [2, 1] + router.mac, hopLimit: 255)))
        let sites: [(String, String?, String, Bool)] = [
            ("www.example.com", "2001:db8:80::80", "198.51.100.80", true),
            ("cdn.example.net", "2001:db8:cd::50", "203.0.113.50", false),
            ("api.example.org", nil, "198.51.100.25", false),
        ]
        for (i, (name, v6, v4, v6Works)) in sites.enumerated() {
            let t0 = 100.0 + Double(i) * 1000
            let qport = UInt16(50000 + 2 * i), id = UInt16(0x1000 + 2 * i)
            t.add(t0, eth(client, router.mac, udpIP(client.v4, router.v4, qport, 53, B.dnsQuery(id: id, name: name, type: B.DNSType.a))))
            t.add(t0 + 0.1, eth(client, router.mac, udpIP(client.v4, router.v4, qport + 1, 53, B.dnsQuery(id: id + 1, name: name, type: B.DNSType.aaaa))))
            t.add(t0 + 15, eth(router, client.mac, udpIP(router.v4, client.v4, 53, qport,
                                                         B.dnsResponse(id: id, name: name, type: B.DNSType.a, answers: [B.address(v4)]))))
            t.add(t0 + 16, eth(router, client.mac, udpIP(router.v4, client.v4, 53, qport + 1,
                                                         B.dnsResponse(id: id + 1, name: name, type: B.DNSType.aaaa, answers: v6.map { [B.address($0)] } ?? []))))
            let cport = UInt16(40000 + 10 * i)
            func send(_ ms: Double, _ fromClient: Bool, _ ip: [UInt8]) {
                t.add(ms, fromClient ? eth(client, router.mac, ip) : eth(router, client.mac, ip))
            }
            if let v6 {
                let server6 = B.address(v6)
                if v6Works {
                    tcpSession(client.v6, server6, cport: cport, sport: 80, request: httpGet(name), response: httpOK, at: t0 + 20, rtt: 15, send: send)
                    continue
                }
                // The IPv6 SYN gets no answer (a broken IPv6 path).
                send(t0 + 20, true, tcpIP(client.v6, server6, cport, 80, seq: 0x3000_0000, ack: 0, B.TCPFlags.syn))
                tcpSession(client.v4, B.address(v4), cport: cport + 1, sport: 80, request: httpGet(name), response: httpOK,
                           at: t0 + 270, rtt: 20, send: send)
            } else {
                tcpSession(client.v4, B.address(v4), cport: cport, sport: 80, request: httpGet(name), response: httpOK,
                           at: t0 + 20, rtt: 20, send: send)
            }
        }
        return SampleScenario(fileName: "dualstack_browsing.pcap", format: .pcap,
                              interfaces: [(.ethernet, "eth0", nil)], frames: t.frames)
    }

    /// A Teredo client (RFC 4380) behind a NAT: an AAAA lookup over IPv4, router solicitation to
    /// the Teredo server and its advertisement (with an origin indication), then a bubble, an
    /// ICMPv6 echo and a TCP handshake to a native IPv6 host through a relay. Every Teredo
    /// datagram has UDP port 3544 on the server/relay side.
    ///
    /// Client Teredo address 2001:0:c000:22d:8000:63bf:34ff:8ef8: server 192.0.2.45 (c000:022d),
    /// cone flag 0x8000, mapped port 40000 ^ 0xffff = 0x63bf, mapped address 203.0.113.7 ^
    /// 0xffffffff = 34ff:8ef8.
    public static func teredoClient() -> SampleScenario {
        let client = Host(mac: "02:00:00:00:00:20", v4: "192.168.1.20")
        let router = Host(mac: "02:00:00:00:00:01", v4: "192.168.1.1")
        let server4 = B.address("192.0.2.45"), relay4 = B.address("198.51.100.99")
        let teredo = B.address("2001:0:c000:22d:8000:63bf:34ff:8ef8")
        let clientLL = B.address("fe80::8000:ffff:ffff:fffe"), serverLL = B.address("fe80::ffff:ffff:fffd")
        let target = B.address("2001:db8:80::80")
        let lport: UInt16 = 51000
        var t = Trace()
        func up(_ ms: Double, _ dst4: [UInt8], _ inner: [UInt8], prefix: [UInt8] = []) {
            t.add(ms, eth(client, router.mac, udpIP(client.v4, dst4, lport, 3544, prefix + inner)))
        }
        func down(_ ms: Double, _ src4: [UInt8], _ inner: [UInt8], prefix: [UInt8] = []) {
            t.add(ms, eth(router, client.mac, udpIP(src4, client.v4, 3544, lport, prefix + inner)))
        }
        t.add(0, eth(client, router.mac, udpIP(client.v4, router.v4, 53000, 53, B.dnsQuery(id: 0x2000, name: "ipv6.example.com", type: B.DNSType.aaaa))))
        t.add(10, eth(router, client.mac, udpIP(router.v4, client.v4, 53, 53000,
                                                B.dnsResponse(id: 0x2000, name: "ipv6.example.com", type: B.DNSType.aaaa, answers: [target]))))
        up(20, server4, icmp6IP(clientLL, B.address("ff02::2"), type: 133, body: [0, 0, 0, 0], hopLimit: 255))
        // RA: cur hop limit 0, flags 0, lifetime 0, reachable 0, retrans 0, then a Prefix
        // Information option (type 3, 4 x 8 bytes) announcing 2001:0:c000:22d::/64.
        let prefixOption: [UInt8] = [3, 4, 64, 0x40] + B.be32(0xffff_ffff) + B.be32(0xffff_ffff) + [0, 0, 0, 0]
            + B.address("2001:0:c000:22d::")
        let origin: [UInt8] = [0x00, 0x00, 0x63, 0xbf, 0x34, 0xff, 0x8e, 0xf8]  // RFC 4380 section 5.1.1
        down(60, server4, icmp6IP(serverLL, clientLL, type: 134, body: [0, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0, 0] + prefixOption, hopLimit: 255),
             prefix: origin)
        up(70, relay4, B.ipv6(source: teredo, destination: target, nextHeader: B.IPProtocol.noNextHeader, payload: []))  // bubble
        up(80, relay4, icmp6IP(teredo, target, type: 128, body: B.echoBody(identifier: 1, sequence: 1, data: Array("netcensus".utf8))))
        down(120, relay4, icmp6IP(target, teredo, type: 129, body: B.echoBody(identifier: 1, sequence: 1, data: Array("netcensus".utf8))))
        let F = B.TCPFlags.self
        up(130, relay4, tcpIP(teredo, target, 49152, 80, seq: 0x4000_0000, ack: 0, F.syn))
        down(170, relay4, tcpIP(target, teredo, 80, 49152, seq: 0x5000_0000, ack: 0x4000_0001, F.syn | F.ack))
        up(170.2, relay4, tcpIP(teredo, target, 49152, 80, seq: 0x4000_0001, ack: 0x5000_0001, F.ack))
        return SampleScenario(fileName: "teredo_client.pcap", format: .pcap, interfaces: [(.ethernet, "eth0", nil)], frames: t.frames)
    }

    /// A 6in4 tunnel (RFC 4213, IP protocol 41) from a home router 198.51.100.20 to a tunnel
    /// broker 203.0.113.1: echo, an AAAA lookup and a TCP exchange inside the tunnel, then one
    /// 6to4 (RFC 3056) echo through the 192.88.99.1 relay anycast with source 2002:c633:6414::1
    /// (198.51.100.20 = c6.33.64.14).
    public static func sixIn4Tunnel() -> SampleScenario {
        let home = Host(mac: "02:00:00:00:00:30", v4: "198.51.100.20", v6: "2001:db8:beef::2")
        let isp = Host(mac: "02:00:00:00:00:01", v4: "203.0.113.1", v6: "2001:db8:beef::1")
        let server = B.address("2001:db8:cafe::80")
        var t = Trace()
        func tunnel(_ ms: Double, out: Bool, _ inner: [UInt8], remote4: [UInt8]? = nil) {
            let outer = out
                ? B.ipv4(source: home.v4, destination: remote4 ?? isp.v4, protocol: B.IPProtocol.ipv6, payload: inner)
                : B.ipv4(source: remote4 ?? isp.v4, destination: home.v4, protocol: B.IPProtocol.ipv6, payload: inner)
            t.add(ms, out ? eth(home, isp.mac, outer) : eth(isp, home.mac, outer))
        }
        let ping = Array("6in4".utf8)
        tunnel(0, out: true, icmp6IP(home.v6, isp.v6, type: 128, body: B.echoBody(identifier: 7, sequence: 1, data: ping)))
        tunnel(25, out: false, icmp6IP(isp.v6, home.v6, type: 129, body: B.echoBody(identifier: 7, sequence: 1, data: ping)))
        tunnel(100, out: true, udpIP(home.v6, isp.v6, 53001, 53, B.dnsQuery(id: 0x3000, name: "www.example.com", type: B.DNSType.aaaa)))
        tunnel(125, out: false, udpIP(isp.v6, home.v6, 53, 53001,
                                      B.dnsResponse(id: 0x3000, name: "www.example.com", type: B.DNSType.aaaa, answers: [server])))
        let F = B.TCPFlags.self
        let hello = Array("\u{16}\u{03}\u{01} sample client hello".utf8)
        tunnel(130, out: true, tcpIP(home.v6, server, 41000, 443, seq: 0x6000_0000, ack: 0, F.syn))
        tunnel(170, out: false, tcpIP(server, home.v6, 443, 41000, seq: 0x7000_0000, ack: 0x6000_0001, F.syn | F.ack))
        tunnel(170.1, out: true, tcpIP(home.v6, server, 41000, 443, seq: 0x6000_0001, ack: 0x7000_0001, F.ack))
        tunnel(170.2, out: true, tcpIP(home.v6, server, 41000, 443, seq: 0x6000_0001, ack: 0x7000_0001, F.psh | F.ack, hello))
        tunnel(210, out: false, tcpIP(server, home.v6, 443, 41000, seq: 0x7000_0001, ack: 0x6000_0001 + UInt32(hello.count), F.ack))
        let sixToFour = B.address("2002:c633:6414::1"), relay = B.address("192.88.99.1")
        tunnel(300, out: true, icmp6IP(sixToFour, server, type: 128, body: B.echoBody(identifier: 8, sequence: 1, data: ping)), remote4: relay)
        tunnel(340, out: false, icmp6IP(server, sixToFour, type: 129, body: B.echoBody(identifier: 8, sequence: 1, data: ping)), remote4: relay)
        return SampleScenario(fileName: "6in4_tunnel.pcap", format: .pcap, interfaces: [(.ethernet, "eth0", nil)], frames: t.frames)
    }

    /// The IPv6-only LAN side of NAT64/DNS64 (RFC 6146, RFC 6147): the ipv4only.arpa AAAA
    /// lookup (RFC 7050) answered with the well-known prefix 64:ff9b::/96 (RFC 6052), A and
    /// AAAA lookups of an IPv4-only name (the AAAA is synthesised: 203.0.113.34 ->
    /// 64:ff9b::cb00:7122), a TCP exchange to the synthesised address and an ICMPv6 echo to
    /// 64:ff9b::c000:201 (192.0.2.1). Returns the LAN frames with their interface set to 0.
    static func nat64LAN(_ t: inout Trace) -> (client: Host, router: Host) {
        let client = Host(mac: "02:00:00:00:00:40", v6: "2001:db8:64::10")
        let router = Host(mac: "02:00:00:00:00:01", v6: "2001:db8:64::1")
        let c = client.v6, r = router.v6
        func send(_ ms: Double, _ fromClient: Bool, _ ip: [UInt8]) {
            t.add(ms, fromClient ? eth(client, router.mac, ip) : eth(router, client.mac, ip), interface: 0)
        }
        send(0, true, udpIP(c, r, 53100, 53, B.dnsQuery(id: 0x6400, name: "ipv4only.arpa", type: B.DNSType.aaaa)))
        send(8, false, udpIP(r, c, 53, 53100, B.dnsResponse(id: 0x6400, name: "ipv4only.arpa", type: B.DNSType.aaaa,
                                                             answers: [B.address("64:ff9b::c000:aa"), B.address("64:ff9b::c000:ab")])))
        send(100, true, udpIP(c, r, 53101, 53, B.dnsQuery(id: 0x6401, name: "v4only.example.com", type: B.DNSType.a)))
        send(100.1, true, udpIP(c, r, 53102, 53, B.dnsQuery(id: 0x6402, name: "v4only.example.com", type: B.DNSType.aaaa)))
        send(110, false, udpIP(r, c, 53, 53101, B.dnsResponse(id: 0x6401, name: "v4only.example.com", type: B.DNSType.a,
                                                               answers: [B.address("203.0.113.34")])))
        send(112, false, udpIP(r, c, 53, 53102, B.dnsResponse(id: 0x6402, name: "v4only.example.com", type: B.DNSType.aaaa,
                                                               answers: [B.address("64:ff9b::cb00:7122")])))
        return (client, router)
    }

    /// NAT64 LAN side only (13 IPv6 packets), Ethernet, as classic pcap.
    public static func nat64() -> SampleScenario {
        var t = Trace()
        let (client, router) = nat64LAN(&t)
        let server = B.address("64:ff9b::cb00:7122"), pinged = B.address("64:ff9b::c000:201")
        func send(_ ms: Double, _ fromClient: Bool, _ ip: [UInt8]) {
            t.add(ms, fromClient ? eth(client, router.mac, ip) : eth(router, client.mac, ip))
        }
        nat64Traffic(client: client.v6, server: server, pinged: pinged, send: send)
        return SampleScenario(fileName: "nat64_dns64.pcap", format: .pcap, interfaces: [(.ethernet, "lan0", nil)], frames: t.frames)
    }

    /// The NAT64 client traffic after the lookups: TCP to the synthesised address (SYN, SYN-ACK,
    /// ACK, data, ACK) and one ICMPv6 echo request/reply.
    static func nat64Traffic(client: [UInt8], server: [UInt8], pinged: [UInt8], send: (Double, Bool, [UInt8]) -> Void) {
        let F = B.TCPFlags.self
        let data = Array("\u{16}\u{03}\u{01} nat64 hello".utf8)
        send(120, true, tcpIP(client, server, 42000, 443, seq: 0x6400_0000, ack: 0, F.syn))
        send(160, false, tcpIP(server, client, 443, 42000, seq: 0x6500_0000, ack: 0x6400_0001, F.syn | F.ack))
        send(160.1, true, tcpIP(client, server, 42000, 443, seq: 0x6400_0001, ack: 0x6500_0001, F.ack))
        send(160.2, true, tcpIP(client, server, 42000, 443, seq: 0x6400_0001, ack: 0x6500_0001, F.psh | F.ack, data))
        send(200, false, tcpIP(server, client, 443, 42000, seq: 0x6500_0001, ack: 0x6400_0001 + UInt32(data.count), F.ack))
        let ping = Array("nat64".utf8)
        send(300, true, icmp6IP(client, pinged, type: 128, body: B.echoBody(identifier: 64, sequence: 1, data: ping)))
        send(330, false, icmp6IP(pinged, client, type: 129, body: B.echoBody(identifier: 64, sequence: 1, data: ping)))
    }

    /// NAT64 seen on both sides of the translator, as pcapng with two interfaces of different
    /// link types: `lan0` (LINKTYPE_ETHERNET, microseconds) carries the 13 IPv6 packets of
    /// `nat64()`; `wan0` (LINKTYPE_RAW, nanoseconds, `if_tsresol` 9) carries the 7 translated
    /// IPv4 packets from the pool address 192.0.2.200: TCP to 203.0.113.34:443 and the ICMP
    /// echo to 192.0.2.1 (RFC 7915 translation, ports kept: no NAPT in this sample).
    public static func nat64TwoInterfaces() -> SampleScenario {
        var lan = nat64()
        lan.frames = lan.frames.map { var f = $0; f.interface = 0; return f }
        var t = Trace()
        let pool = B.address("192.0.2.200"), server4 = B.address("203.0.113.34"), pinged4 = B.address("192.0.2.1")
        let F = B.TCPFlags.self
        let data = Array("\u{16}\u{03}\u{01} nat64 hello".utf8)
        // Translated copies 0.05 ms after each LAN packet (and before each reply reaches the LAN).
        t.add(120.05, tcpIP(pool, server4, 42000, 443, seq: 0x6400_0000, ack: 0, F.syn), interface: 1)
        t.add(159.95, tcpIP(server4, pool, 443, 42000, seq: 0x6500_0000, ack: 0x6400_0001, F.syn | F.ack), interface: 1)
        t.add(160.15, tcpIP(pool, server4, 42000, 443, seq: 0x6400_0001, ack: 0x6500_0001, F.ack), interface: 1)
        t.add(160.25, tcpIP(pool, server4, 42000, 443, seq: 0x6400_0001, ack: 0x6500_0001, F.psh | F.ack, data), interface: 1)
        t.add(199.95, tcpIP(server4, pool, 443, 42000, seq: 0x6500_0001, ack: 0x6400_0001 + UInt32(data.count), F.ack), interface: 1)
        let ping = Array("nat64".utf8)
        t.add(300.05, B.ipv4(source: pool, destination: pinged4, protocol: B.IPProtocol.icmp,
                             payload: B.icmpv4(type: 8, body: B.echoBody(identifier: 64, sequence: 1, data: ping))), interface: 1)
        t.add(329.95, B.ipv4(source: pinged4, destination: pool, protocol: B.IPProtocol.icmp,
                             payload: B.icmpv4(type: 0, body: B.echoBody(identifier: 64, sequence: 1, data: ping))), interface: 1)
        let frames = (lan.frames + t.frames).enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }.map(\.element)
        return SampleScenario(fileName: "nat64_dns64_2if.pcapng", format: .pcapng,
                              interfaces: [(.ethernet, "lan0", nil), (.raw, "wan0", 9)], frames: frames)
    }
}

extension Array where Element == UInt8 {
    func writeTo(_ path: String) throws { try writeFile(self, to: path) }
}
