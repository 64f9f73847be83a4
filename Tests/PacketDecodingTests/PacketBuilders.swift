import Foundation
import CaptureCore
@testable import PacketDecoding

// Hand-built packet bytes for the decoder tests. Builders fill in lengths the way a sender
// would, so each test states only the fields its edge case is about; tests that need a wrong
// length pass it explicitly. Checksums are left 0: the decoder does not verify them.

/// Parses dotted-quad IPv4 text into 4 bytes (test input only; traps on bad text).
func v4(_ text: String) -> [UInt8] {
    let parts = text.split(separator: ".").map { UInt8($0)! }
    precondition(parts.count == 4)
    return parts
}

/// Parses IPv6 text (with at most one "::", no embedded IPv4) into 16 bytes.
func v6(_ text: String) -> [UInt8] {
    let halves = text.components(separatedBy: "::")
    func groups(_ s: String) -> [UInt16] { s.isEmpty ? [] : s.split(separator: ":").map { UInt16($0, radix: 16)! } }
    var g = groups(halves[0])
    if halves.count == 2 {
        let tail = groups(halves[1])
        g += [UInt16](repeating: 0, count: 8 - g.count - tail.count) + tail
    }
    precondition(g.count == 8)
    return g.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
}

func be16(_ v: Int) -> [UInt8] { [UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }

/// The IPAddress the decoder should produce for `text`.
func addr(_ text: String) -> IPAddress {
    if text.contains(":") {
        let b = v6(text)
        let h = b[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let l = b[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return IPAddress(v6High: h, low: l)
    }
    return IPAddress(v4: v4(text).reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
}

enum Build {
    static let macA: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]
    static let macB: [UInt8] = [0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb]

    static func ethernet(_ type: Int, _ payload: [UInt8]) -> [UInt8] { macA + macB + be16(type) + payload }
    static func vlan(_ id: Int, _ type: Int, _ payload: [UInt8]) -> [UInt8] { be16(id) + be16(type) + payload }

    /// IPv4 header (RFC 791) + payload; IHL from `options` (padded to 4 octets by the caller).
    static func ipv4(_ src: String, _ dst: String, proto: UInt8, _ payload: [UInt8], options: [UInt8] = [],
                     totalLength: Int? = nil, flagsFragment: Int = 0, ihl: Int? = nil) -> [UInt8] {
        let hl = 20 + options.count
        let ihlValue = ihl ?? hl / 4
        var h: [UInt8] = [UInt8(0x40 | ihlValue), 0]
        h += be16(totalLength ?? hl + payload.count)
        h += [0x12, 0x34] + be16(flagsFragment) + [64, proto, 0, 0]
        return h + v4(src) + v4(dst) + options + payload
    }

    /// IPv6 header (RFC 8200) + payload (extension headers included in `payload`).
    static func ipv6(_ src: String, _ dst: String, next: UInt8, _ payload: [UInt8], payloadLength: Int? = nil) -> [UInt8] {
        [0x60, 0, 0, 0] + be16(payloadLength ?? payload.count) + [next, 64] + v6(src) + v6(dst) + payload
    }

    /// Generic-format extension header (RFC 8200 4.3) padded to a multiple of 8 octets.
    static func extensionHeader(next: UInt8, _ body: [UInt8]) -> [UInt8] {
        var b = body
        while (b.count + 2) % 8 != 0 { b.append(0) }
        return [next, UInt8((b.count + 2) / 8 - 1)] + b
    }

    static func fragmentHeader(next: UInt8, offset: Int, more: Bool, id: UInt32 = 0xABCD) -> [UInt8] {
        [next, 0] + be16((offset / 8) << 3 | (more ? 1 : 0)) + be32(id)
    }

    static func udp(_ sport: Int, _ dport: Int, _ payload: [UInt8], length: Int? = nil) -> [UInt8] {
        be16(sport) + be16(dport) + be16(length ?? 8 + payload.count) + [0, 0] + payload
    }

    /// TCP header with data offset 5 (or `dataOffset`) and `flags`.
    static func tcp(_ sport: Int, _ dport: Int, flags: UInt8, _ payload: [UInt8] = [], dataOffset: Int = 5,
                    options: [UInt8] = []) -> [UInt8] {
        be16(sport) + be16(dport) + be32(1000) + be32(0) + [UInt8(dataOffset << 4), flags] + be16(65535)
            + [0, 0, 0, 0] + options + payload
    }

    /// DNS name in wire form.
    static func name(_ text: String) -> [UInt8] {
        text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    /// DNS query (RFC 1035 4.1) with one question per entry of `qtypes`.
    static func dnsQuery(id: Int, qtypes: [Int], name n: String = "example.com") -> [UInt8] {
        var m = be16(id) + [0x01, 0x00] + be16(qtypes.count) + be16(0) + be16(0) + be16(0)
        for t in qtypes { m += name(n) + be16(t) + be16(1) }
        return m
    }

    /// DNS response: one question (`qtype`) and answers of the given types, each named by a
    /// compression pointer to offset 12 (the question name).
    static func dnsResponse(id: Int, qtype: Int, answers: [Int]) -> [UInt8] {
        var m = be16(id) + [0x81, 0x80] + be16(1) + be16(answers.count) + be16(0) + be16(0)
        m += name("example.com") + be16(qtype) + be16(1)
        for t in answers {
            let rdata: [UInt8] = t == 28 ? v6("2001:db8::53") : (t == 1 ? v4("192.0.2.53") : name("alias.example"))
            m += [0xC0, 0x0C] + be16(t) + be16(1) + be32(300) + be16(rdata.count) + rdata
        }
        return m
    }
}

/// Decodes `bytes` as captured whole (caplen == original length) unless `originalLength` says more.
func decode(_ bytes: [UInt8], _ link: LinkType = .ethernet, originalLength: Int? = nil,
            options: DecoderOptions = DecoderOptions()) -> DecodedPacket {
    var decoder = PacketDecoder(options: options)
    var packet = DecodedPacket()
    bytes.withUnsafeBytes { decoder.decode($0, linkType: link, originalLength: originalLength ?? bytes.count, into: &packet) }
    return packet
}


extension IPLayer {
    /// The same layer with its header at `offset` bytes into the frame.
    func at(offset: Int) -> IPLayer { var l = self; l.headerOffset = offset; return l }
}

extension TransportLayer {
    /// The same header with sequence/window and payload range set (hand-counted in each test).
    func with(seq: UInt32 = 0, ack: UInt32 = 0, window: UInt16 = 0, payloadAt: Int, captured: Int, length: Int) -> TransportLayer {
        var t = self
        t.sequenceNumber = seq; t.acknowledgmentNumber = ack; t.window = window
        t.payloadOffset = payloadAt; t.payloadCapturedLength = captured; t.payloadLength = length
        return t
    }
}
