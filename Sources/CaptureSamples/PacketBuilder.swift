#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds well-formed packets byte by byte for sample captures and tests: Ethernet II,
/// IPv4 (RFC 791), IPv6 (RFC 8200), UDP (RFC 768), TCP (RFC 9293), ICMPv6 (RFC 4443) and DNS
/// (RFC 1035), with every checksum valid (RFC 1071 one's-complement sum; UDP/TCP/ICMPv6 over
/// the IPv4 or IPv6 pseudo-header, RFC 8200 section 8.1).
///
/// Allocation per call is fine here: this is the writer side, never the reading hot path.
public enum PacketBuilder {
    /// EtherType values used by the builder.
    public enum EtherType {
        public static let ipv4: UInt16 = 0x0800, ipv6: UInt16 = 0x86dd, arp: UInt16 = 0x0806
    }
    /// IP protocol / next header numbers (IANA "Assigned Internet Protocol Numbers").
    public enum IPProtocol {
        public static let icmp: UInt8 = 1, tcp: UInt8 = 6, udp: UInt8 = 17, ipv6: UInt8 = 41
        public static let icmpv6: UInt8 = 58, noNextHeader: UInt8 = 59
    }
    /// TCP flag bits (RFC 9293 section 3.1).
    public enum TCPFlags {
        public static let fin: UInt8 = 0x01, syn: UInt8 = 0x02, rst: UInt8 = 0x04, psh: UInt8 = 0x08, ack: UInt8 = 0x10
    }
    /// DNS RR types (RFC 1035, RFC 3596).
    public enum DNSType {
        public static let a: UInt16 = 1, aaaa: UInt16 = 28
    }

    /// Parses a textual IPv4 or IPv6 address (inet_pton); traps on a malformed literal, which
    /// is a programming error in a fixed scenario.
    public static func address(_ text: String) -> [UInt8] {
        if text.contains(":") {
            var a = in6_addr()
            precondition(inet_pton(AF_INET6, text, &a) == 1, "bad IPv6 literal \(text)")
            return withUnsafeBytes(of: a) { Array($0) }
        }
        var a = in_addr()
        precondition(inet_pton(AF_INET, text, &a) == 1, "bad IPv4 literal \(text)")
        return withUnsafeBytes(of: a) { Array($0) }
    }

    /// Parses `aa:bb:cc:dd:ee:ff`.
    public static func mac(_ text: String) -> [UInt8] {
        text.split(separator: ":").map { UInt8($0, radix: 16)! }
    }

    // MARK: Checksums

    /// One's-complement sum of 16-bit big-endian words (RFC 1071), not yet complemented.
    static func sum(_ bytes: [UInt8], into initial: UInt32 = 0) -> UInt32 {
        var s = initial
        var i = 0
        while i + 1 < bytes.count { s &+= UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]); i += 2 }
        if i < bytes.count { s &+= UInt32(bytes[i]) << 8 }
        return s
    }

    /// The Internet checksum of `bytes` plus an initial partial sum.
    public static func internetChecksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt16 {
        var s = sum(bytes, into: initial)
        while s >> 16 != 0 { s = (s & 0xffff) + (s >> 16) }
        return ~UInt16(s)
    }

    /// Partial sum of the IPv4 (RFC 768) or IPv6 (RFC 8200 section 8.1) pseudo-header.
    static func pseudoHeaderSum(source: [UInt8], destination: [UInt8], protocol proto: UInt8, length: Int) -> UInt32 {
        var p = source + destination
        if source.count == 16 {
            p += be32(UInt32(length)) + [0, 0, 0, proto]
        } else {
            p += [0, proto] + be16(UInt16(length))
        }
        return sum(p)
    }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }

    // MARK: Link layer

    /// Ethernet II frame (no FCS): destination, source, EtherType, payload.
    public static func ethernet(destination: [UInt8], source: [UInt8], etherType: UInt16, payload: [UInt8]) -> [UInt8] {
        destination + source + be16(etherType) + payload
    }

    // MARK: Network layer

    /// IPv4 header (20 bytes, no options, DF set) + payload, header checksum filled in.
    public static func ipv4(source: [UInt8], destination: [UInt8], protocol proto: UInt8, payload: [UInt8],
                            ttl: UInt8 = 64, identification: UInt16 = 0) -> [UInt8] {
        var h: [UInt8] = [0x45, 0] + be16(UInt16(20 + payload.count)) + be16(identification) + [0x40, 0x00, ttl, proto, 0, 0]
        h += source + destination
        let c = internetChecksum(h)
        h[10] = UInt8(c >> 8); h[11] = UInt8(c & 0xff)
        return h + payload
    }

    /// IPv6 fixed header (40 bytes) + payload.
    public static func ipv6(source: [UInt8], destination: [UInt8], nextHeader: UInt8, payload: [UInt8],
                            hopLimit: UInt8 = 64, flowLabel: UInt32 = 0) -> [UInt8] {
        // Version 6, traffic class 0, 20-bit flow label.
        [0x60, UInt8(flowLabel >> 16 & 0x0f), UInt8(flowLabel >> 8 & 0xff), UInt8(flowLabel & 0xff)]
            + be16(UInt16(payload.count)) + [nextHeader, hopLimit] + source + destination + payload
    }

    /// An IP packet of the family of `source` (4 or 16 bytes).
    public static func ip(source: [UInt8], destination: [UInt8], protocol proto: UInt8, payload: [UInt8], ttl: UInt8 = 64) -> [UInt8] {
        source.count == 16
            ? ipv6(source: source, destination: destination, nextHeader: proto, payload: payload, hopLimit: ttl)
            : ipv4(source: source, destination: destination, protocol: proto, payload: payload, ttl: ttl)
    }

    // MARK: Transport layer

    /// UDP header + payload; checksum over the pseudo-header of `source`/`destination` (4 or 16 bytes).
    public static func udp(source: [UInt8], destination: [UInt8], sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8]) -> [UInt8] {
        let length = 8 + payload.count
        var u = be16(sourcePort) + be16(destinationPort) + be16(UInt16(length)) + [0, 0] + payload
        var c = internetChecksum(u, initial: pseudoHeaderSum(source: source, destination: destination, protocol: IPProtocol.udp, length: length))
        if c == 0 { c = 0xffff }  // RFC 768: a computed zero is sent as all ones
        u[6] = UInt8(c >> 8); u[7] = UInt8(c & 0xff)
        return u
    }

    /// TCP header (20 bytes + options padded to 4) + payload, checksum filled in.
    public static func tcp(source: [UInt8], destination: [UInt8], sourcePort: UInt16, destinationPort: UInt16,
                           sequence: UInt32, acknowledgment: UInt32, flags: UInt8, window: UInt16 = 64240,
                           options: [UInt8] = [], payload: [UInt8] = []) -> [UInt8] {
        var opts = options
        while opts.count % 4 != 0 { opts.append(1) }  // NOP padding
        let headerLength = 20 + opts.count
        var t = be16(sourcePort) + be16(destinationPort) + be32(sequence) + be32(acknowledgment)
        t += [UInt8(headerLength / 4) << 4, flags] + be16(window) + [0, 0, 0, 0] + opts + payload
        let c = internetChecksum(t, initial: pseudoHeaderSum(source: source, destination: destination, protocol: IPProtocol.tcp, length: t.count))
        t[16] = UInt8(c >> 8); t[17] = UInt8(c & 0xff)
        return t
    }

    /// TCP option MSS (kind 2, RFC 9293 section 3.2).
    public static func mssOption(_ mss: UInt16) -> [UInt8] { [2, 4] + be16(mss) }

    /// ICMPv6 message (type, code, body), checksum over the IPv6 pseudo-header (RFC 4443 section 2.3).
    public static func icmpv6(source: [UInt8], destination: [UInt8], type: UInt8, code: UInt8 = 0, body: [UInt8]) -> [UInt8] {
        var m = [type, code, 0, 0] + body
        let c = internetChecksum(m, initial: pseudoHeaderSum(source: source, destination: destination, protocol: IPProtocol.icmpv6, length: m.count))
        m[2] = UInt8(c >> 8); m[3] = UInt8(c & 0xff)
        return m
    }

    /// ICMP (IPv4) message, checksum over the message alone (RFC 792).
    public static func icmpv4(type: UInt8, code: UInt8 = 0, body: [UInt8]) -> [UInt8] {
        var m = [type, code, 0, 0] + body
        let c = internetChecksum(m)
        m[2] = UInt8(c >> 8); m[3] = UInt8(c & 0xff)
        return m
    }

    /// ICMPv6 echo request (128) / reply (129) body: identifier, sequence, data.
    public static func echoBody(identifier: UInt16, sequence: UInt16, data: [UInt8]) -> [UInt8] {
        be16(identifier) + be16(sequence) + data
    }

    // MARK: DNS

    /// A name in DNS wire form (RFC 1035 section 3.1): length-prefixed labels, then 0.
    public static func dnsName(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        for label in name.split(separator: ".") { out.append(UInt8(label.utf8.count)); out += Array(label.utf8) }
        return out + [0]
    }

    /// A DNS query (QR=0, RD=1) for one question of class IN.
    public static func dnsQuery(id: UInt16, name: String, type: UInt16) -> [UInt8] {
        be16(id) + [0x01, 0x00] + be16(1) + be16(0) + be16(0) + be16(0) + dnsName(name) + be16(type) + be16(1)
    }

    /// A DNS response (QR=1, RD=1, RA=1, NOERROR) repeating the question and answering with
    /// `answers` (RDATA of the question's type, each with a compression pointer to the question name).
    public static func dnsResponse(id: UInt16, name: String, type: UInt16, answers: [[UInt8]], ttl: UInt32 = 300) -> [UInt8] {
        var m = be16(id) + [0x81, 0x80] + be16(1) + be16(UInt16(answers.count)) + be16(0) + be16(0)
        m += dnsName(name) + be16(type) + be16(1)
        for rdata in answers {
            m += [0xc0, 0x0c] + be16(type) + be16(1) + be32(ttl) + be16(UInt16(rdata.count)) + rdata
        }
        return m
    }
}
