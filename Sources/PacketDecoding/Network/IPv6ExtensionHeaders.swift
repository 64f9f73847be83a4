import CaptureCore

/// IPv6 extension headers (RFC 8200 section 4; the list of RFC 7045 section 2).
///
/// Most share the generic layout of RFC 8200 section 4.3 / RFC 6564 section 4: hop-by-hop (0),
/// routing (43, any type incl. type 4 segment routing, RFC 8754), destination options (60),
/// mobility (135, RFC 6275 section 6.1.1: "Payload Proto" / "Header Len" in the same places),
/// HIP (139) and Shim6 (140):
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Next Header  |  Hdr Ext Len  |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// .        type-specific data: (Hdr Ext Len + 1) * 8 octets        .
/// ```
/// The fragment header (RFC 8200 section 4.5) has a fixed 8 octets:
/// ```
/// |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
/// |                         Identification                        |
/// ```
/// The authentication header (RFC 4302 section 2.2) counts its length in 32-bit words minus 2:
/// `(Payload Len + 2) * 4` octets. ESP (50) encrypts what follows, so decoding ends there, as it
/// does at No Next Header (59).
enum IPv6ExtensionHeader {
    enum Field {
        static let nextHeader = 0
        static let headerExtensionLength = 1
        static let routingType = 2
        static let fragmentOffsetFlags = 2
        static let options = 2
    }
    static let fragmentHeaderLength = 8
    static let fragmentOffsetMask: UInt16 = 0xFFF8
    static let moreFragmentsFlag: UInt16 = 0x0001
    /// Hop-by-hop option types (RFC 8200 section 4.2, RFC 2675 section 2).
    static let optionPad1: UInt8 = 0x00
    static let optionJumboPayload: UInt8 = 0xC2
    static let jumboOptionDataLength = 4
    /// Smallest jumbo payload length (RFC 2675 section 2: "greater than 65,535").
    static let minimumJumboPayloadLength = 65_536
}

/// Result of walking one IPv6 header's extension-header chain.
struct IPv6ExtensionChain {
    /// Next header value after the last extension header walked.
    var upperProtocol: UInt8
    /// Offset of the upper-layer header within the IPv6 payload.
    var upperOffset: Int = 0
    /// Extension headers walked.
    var count: Int = 0
    var isFragment = false
    var isFirstFragment = true
    /// Fields of the (first) fragment header, and the offset in the walked payload just past it.
    var fragmentIdentification: UInt32 = 0
    var fragmentOffset = 0
    var moreFragments = false
    var fragmentDataOffset = 0
    var fragmentNextHeader: UInt8 = 0
    /// Jumbo Payload option value (RFC 2675), if the hop-by-hop header carried one.
    var jumboPayloadLength: Int? = nil
    /// True when there is no upper-layer header to decode (ESP, 59, a later fragment, a cut
    /// or malformed chain, too many headers).
    var stopped = false
}

extension PacketDecoder {
    /// Walks the chain starting with `first` over the IPv6 payload `bytes` (already limited to
    /// the payload length). `payloadCut`: the capture holds less than the payload length claims.
    /// Bounded by `options.maxIPv6ExtensionHeaders`.
    func walkIPv6ExtensionHeaders(first: UInt8, _ bytes: UnsafeRawBufferPointer, payloadCut: Bool,
                                  _ context: DecodeContext,
                                  _ packet: inout DecodedPacket) -> IPv6ExtensionChain {
        var chain = IPv6ExtensionChain(upperProtocol: first)
        var offset = 0
        while true {
            let next = chain.upperProtocol
            let length: Int
            switch IPProtocol(rawValue: next) {
            case .hopByHopOptions, .routing, .destinationOptions, .mobility, .hip, .shim6:
                guard let extLen: UInt8 = bytes.readBigEndian(at: offset + IPv6ExtensionHeader.Field.headerExtensionLength) else {
                    return cutChain(chain, at: offset, payloadCut, context, &packet)
                }
                length = (Int(extLen) + 1) * 8
                guard offset + length <= bytes.count else { return cutChain(chain, at: offset, payloadCut, context, &packet) }
                if case .hopByHopOptions = IPProtocol(rawValue: next) {
                    // RFC 8200 section 4.1: hop-by-hop only immediately after the IPv6 header.
                    if chain.count != 0 { packet.note(.ipv6HopByHopNotFirst) }
                    chain.jumboPayloadLength = jumboPayloadLength(bytes.clampedSlice(from: offset, length: length), &packet)
                }
            case .fragment:
                guard offset + IPv6ExtensionHeader.fragmentHeaderLength <= bytes.count else {
                    return cutChain(chain, at: offset, payloadCut, context, &packet)
                }
                length = IPv6ExtensionHeader.fragmentHeaderLength
                let word: UInt16 = bytes.uncheckedBigEndian(at: offset + IPv6ExtensionHeader.Field.fragmentOffsetFlags)
                let fragmentOffset = Int(word & IPv6ExtensionHeader.fragmentOffsetMask)
                if !chain.isFragment {
                    chain.fragmentIdentification = bytes.uncheckedBigEndian(at: offset + 4)
                    chain.fragmentOffset = fragmentOffset
                    chain.moreFragments = word & IPv6ExtensionHeader.moreFragmentsFlag != 0
                    chain.fragmentDataOffset = offset + IPv6ExtensionHeader.fragmentHeaderLength
                    chain.fragmentNextHeader = bytes[offset]
                }
                chain.isFragment = true
                // An atomic fragment (offset 0, M 0, RFC 6946) is first and only.
                chain.isFirstFragment = chain.isFirstFragment && fragmentOffset == 0
            case .ah:
                guard let payloadLen: UInt8 = bytes.readBigEndian(at: offset + IPv6ExtensionHeader.Field.headerExtensionLength) else {
                    return cutChain(chain, at: offset, payloadCut, context, &packet)
                }
                length = (Int(payloadLen) + 2) * 4
                guard offset + length <= bytes.count else { return cutChain(chain, at: offset, payloadCut, context, &packet) }
            case .esp, .noNextHeader:
                chain.upperOffset = offset
                chain.stopped = true
                return chain
            default:
                chain.upperOffset = offset
                chain.stopped = !chain.isFirstFragment
                return chain
            }
            chain.count += 1
            chain.upperProtocol = bytes[offset + IPv6ExtensionHeader.Field.nextHeader]
            offset += length
            chain.upperOffset = offset
            if chain.count >= options.maxIPv6ExtensionHeaders,
               isIPv6ExtensionHeader(chain.upperProtocol) {
                packet.note(.ipv6ExtensionHeaderTooMany)
                chain.stopped = true
                return chain
            }
        }
    }

    /// The chain ran past the bytes at hand: a capture cut (truncated) when the payload was not
    /// fully captured, otherwise a header claiming more than the payload length (malformed).
    private func cutChain(_ chain: IPv6ExtensionChain, at offset: Int, _ payloadCut: Bool,
                          _ context: DecodeContext, _ packet: inout DecodedPacket) -> IPv6ExtensionChain {
        var chain = chain
        chain.upperOffset = offset
        chain.stopped = true
        // A snaplen cut is truncation; a header claiming more than the payload length, or a
        // whole frame ending inside the chain, is a malformed chain.
        if payloadCut { ranOut(context, &packet) }
        if !payloadCut || (!context.snapCut && !context.quote) { packet.note(.ipv6ExtensionHeaderTruncated) }
        return chain
    }

    private func isIPv6ExtensionHeader(_ value: UInt8) -> Bool {
        switch IPProtocol(rawValue: value) {
        case .hopByHopOptions, .routing, .fragment, .destinationOptions, .mobility, .hip, .shim6, .ah: true
        default: false
        }
    }

    /// Scans hop-by-hop options (RFC 8200 section 4.2 TLVs) for a Jumbo Payload option.
    private func jumboPayloadLength(_ header: UnsafeRawBufferPointer, _ packet: inout DecodedPacket) -> Int? {
        var offset = IPv6ExtensionHeader.Field.options
        while offset < header.count {
            let type = header[offset]
            if type == IPv6ExtensionHeader.optionPad1 { offset += 1; continue }
            guard let dataLength: UInt8 = header.readBigEndian(at: offset + 1) else { return nil }
            if type == IPv6ExtensionHeader.optionJumboPayload {
                guard Int(dataLength) == IPv6ExtensionHeader.jumboOptionDataLength,
                      let value: UInt32 = header.readBigEndian(at: offset + 2) else {
                    packet.note(.ipv6JumboPayloadInvalid); return nil
                }
                if Int(value) < IPv6ExtensionHeader.minimumJumboPayloadLength { packet.note(.ipv6JumboPayloadInvalid) }
                return Int(value)
            }
            offset += 2 + Int(dataLength)
        }
        return nil
    }
}
