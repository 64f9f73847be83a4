import CaptureCore

/// Interface Description Block (draft-ietf-opsawg-pcapng section 4.2).
///
/// ```
/// | Block Type = 1 | Block Total Length |
/// | LinkType (16) | Reserved (16) | SnapLen (32) | Options ... | Block Total Length |
/// ```
/// Options used here: `if_name` (2), `if_tsresol` (9, one byte: high bit = power of two,
/// else power of ten; default 6), `if_fcslen` (13, one byte), `if_tsoffset` (14, signed 64-bit
/// seconds added to every timestamp).
struct InterfaceDescriptionBlock {
    enum Field {
        static let linkType = 0, reserved = 2, snaplen = 4, options = 8
        static let minimumBodyLength = 8
    }
    enum Option {
        static let name: UInt16 = 2, tsresol: UInt16 = 9, fcslen: UInt16 = 13, tsoffset: UInt16 = 14
    }

    /// Parses an IDB body (block without its 8-byte head and 4-byte tail).
    /// - Returns: the interface, plus whether the options area was well formed.
    static func parse(body: UnsafeRawBufferPointer, big: Bool, index: Int, section: Int) -> (CaptureInterface, Bool)? {
        guard body.count >= Field.minimumBodyLength else { return nil }
        var interface = CaptureInterface(index: index, section: section,
                                         linkType: LinkType(rawValue: body.u16(Field.linkType, big)),
                                         snaplen: Int(body.u32(Field.snaplen, big)),
                                         timestampResolution: .microseconds)
        let options = PcapngOptions(bytes: UnsafeRawBufferPointer(rebasing: body[Field.options...]), big: big)
        let wellFormed = options.forEach { code, value in
            switch code {
            case Option.tsresol where value.count >= 1:
                interface.timestampResolution = TimestampResolution(ifTsresol: value[0])
            case Option.tsoffset where value.count >= 8:
                let raw = big ? value.uncheckedBigEndian(UInt64.self, at: 0) : value.uncheckedLittleEndian(UInt64.self, at: 0)
                interface.timestampOffsetSeconds = Int64(bitPattern: raw)
            case Option.fcslen where value.count >= 1:
                interface.fcsLength = Int(value[0])
            case Option.name:
                interface.name = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
            default:
                break
            }
        }
        return (interface, wellFormed)
    }
}
