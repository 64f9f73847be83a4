import CaptureCore

/// Section Header Block body (draft-ietf-opsawg-pcapng section 4.1).
///
/// ```
/// | Block Type = 0x0A0D0D0A | Block Total Length | Byte-Order Magic 0x1A2B3C4D |
/// | Major Version (1) | Minor Version (0) | Section Length (64-bit, -1 = unknown) | Options ... |
/// ```
/// The byte-order magic, read in the writer's order, decides the order of the whole section;
/// the block type is a palindrome so it can be recognised before the order is known.
struct SectionHeaderBlock {
    enum Field {
        static let byteOrderMagic = 8, versionMajor = 12, versionMinor = 14, sectionLength = 16
        static let options = 24
        static let minimumLength = 28
    }

    /// Byte order from the magic at offset 8 of the block; nil when it is neither order.
    static func byteOrder(_ block: UnsafeRawBufferPointer) -> CaptureByteOrder? {
        guard let raw = block.readBigEndian(UInt32.self, at: Field.byteOrderMagic) else { return nil }
        if raw == PcapngBlockType.byteOrderMagic { return .big }
        if raw == PcapngBlockType.byteOrderMagic.byteSwapped { return .little }
        return nil
    }

    /// libpcap and Wireshark accept 1.0 and the never-standardised 1.2 (written by some old tools).
    static func isSupported(major: UInt16, minor: UInt16) -> Bool { major == 1 && (minor == 0 || minor == 2) }
}
