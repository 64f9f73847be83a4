import CaptureCore

/// Neighbor Discovery messages and options (RFC 4861 sections 4 and 4.6) with the PREF64 option
/// (RFC 8781 section 4).
///
/// Fixed part before the options: router solicitation (133) 8 octets, router advertisement (134)
/// 16, neighbor solicitation (135) and advertisement (136) 24, redirect (137) 40. Each option:
/// ```
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |    Length     |  ... (Length * 8 octets in all; 0 is invalid)
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// PREF64 (type 38, length 2):
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |    Length     |     Scaled Lifetime     | PLC |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |              Highest 96 bits of the Prefix (12 octets)        |
/// ```
/// PLC 0..5 stand for prefix lengths 96, 64, 56, 48, 40, 32 (RFC 6052 section 2.2).
/// The redirected-header option (type 4, RFC 4861 section 4.6.3) quotes an IPv6 packet after
/// 8 octets; it is decoded as an ICMP quote.
enum NeighborDiscovery {
    enum Field {
        static let optionType = 0
        static let optionLength = 1
        static let pref64ScaledLifetimePLC = 2
        static let pref64Prefix = 4
        static let redirectedHeaderPacket = 8
    }
    static let routerSolicitation: UInt8 = 133
    static let routerAdvertisement: UInt8 = 134
    static let neighborSolicitation: UInt8 = 135
    static let neighborAdvertisement: UInt8 = 136
    static let redirect: UInt8 = 137

    static let optionRedirectedHeader: UInt8 = 4
    static let optionPREF64: UInt8 = 38
    static let pref64OptionLengthUnits: UInt8 = 2
    /// An RA with more options than this is not walked further (a flood tool's RA has ~20).
    static let maxOptions = 256

    static func optionsOffset(forType type: UInt8) -> Int? {
        switch type {
        case routerSolicitation: 8
        case routerAdvertisement: 16
        case neighborSolicitation, neighborAdvertisement: 24
        case redirect: 40
        default: nil
        }
    }

    /// RFC 8781 section 4: prefix length for a Prefix Length Code, nil for 6 and 7.
    static func prefixLength(plc: UInt16) -> Int? {
        switch plc {
        case 0: 96
        case 1: 64
        case 2: 56
        case 3: 48
        case 4: 40
        case 5: 32
        default: nil
        }
    }
}

extension PacketDecoder {
    func decodeNDOptions(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        var offset = 0
        var seen = 0
        while offset < bytes.count, seen < NeighborDiscovery.maxOptions {
            seen += 1
            guard let type: UInt8 = bytes.readBigEndian(at: offset + NeighborDiscovery.Field.optionType),
                  let units: UInt8 = bytes.readBigEndian(at: offset + NeighborDiscovery.Field.optionLength) else {
                ranOut(context, &packet); return
            }
            guard units != 0 else { packet.note(.icmpv6NDOptionBadLength); return }
            let length = Int(units) * 8
            guard offset + length <= bytes.count else { ranOut(context, &packet); return }
            let option = bytes.clampedSlice(from: offset, length: length)
            switch type {
            case NeighborDiscovery.optionPREF64 where units == NeighborDiscovery.pref64OptionLengthUnits:
                let word: UInt16 = option.uncheckedBigEndian(at: NeighborDiscovery.Field.pref64ScaledLifetimePLC)
                if let prefixLength = NeighborDiscovery.prefixLength(plc: word & 0x7) {
                    let high: UInt64 = option.uncheckedBigEndian(at: NeighborDiscovery.Field.pref64Prefix)
                    let next: UInt32 = option.uncheckedBigEndian(at: NeighborDiscovery.Field.pref64Prefix + 8)
                    if packet.pref64Prefix == nil {
                        packet.pref64Prefix = (high: high, low: UInt64(next) << 32, length: prefixLength)
                        // Scaled lifetime: the upper 13 bits, in units of 8 seconds.
                        packet.pref64LifetimeSeconds = Int(word >> 3) * 8
                    }
                } else {
                    packet.note(.pref64BadPrefixLengthCode)
                }
            case NeighborDiscovery.optionRedirectedHeader where length > NeighborDiscovery.Field.redirectedHeaderPacket:
                var quoted = context
                quoted.quote = true
                decodeIP(option.clampedSlice(from: NeighborDiscovery.Field.redirectedHeaderPacket),
                         announced: .v6, quoted, &packet)
            default:
                break
            }
            offset += length
        }
    }
}
