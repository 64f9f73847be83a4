import CaptureCore

/// pcapng block framing and block type codes (draft-ietf-opsawg-pcapng section 3.1, 11.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +---------------------------------------------------------------+
/// |                          Block Type                           |  0
/// |                      Block Total Length                       |  4
/// /                          Block Body                           /  8
/// |                      Block Total Length                       |  length - 4
/// +---------------------------------------------------------------+
/// ```
/// Every block is a multiple of 4 bytes and at least 12; the trailing length must repeat the
/// leading one. Unknown block types are skipped by length (section 3.1: "MUST ignore").
public enum PcapngBlockType {
    public static let sectionHeader: UInt32 = 0x0a0d_0d0a
    public static let interfaceDescription: UInt32 = 0x0000_0001
    /// Obsolete Packet Block (Appendix A), still written by old tools.
    public static let packet: UInt32 = 0x0000_0002
    public static let simplePacket: UInt32 = 0x0000_0003
    public static let nameResolution: UInt32 = 0x0000_0004
    public static let interfaceStatistics: UInt32 = 0x0000_0005
    public static let enhancedPacket: UInt32 = 0x0000_0006
    public static let decryptionSecrets: UInt32 = 0x0000_000a
    public static let customCopiable: UInt32 = 0x0000_0bad
    public static let customNonCopiable: UInt32 = 0x4000_0bad

    /// The byte-order magic inside a section header block.
    public static let byteOrderMagic: UInt32 = 0x1a2b_3c4d
    /// Smallest legal block: type, two lengths.
    public static let minimumLength = 12
    /// systemd Journal Export Block (section 4.8 of the draft's registry, type 9).
    public static let systemdJournalExport: UInt32 = 0x0000_0009

    /// Block types registered in draft-ietf-opsawg-pcapng section 11.1 that real files carry;
    /// a resynchronisation point must start with one of them.
    static func isKnown(_ type: UInt32) -> Bool {
        switch type {
        case sectionHeader, interfaceDescription, packet, simplePacket, nameResolution, interfaceStatistics,
             enhancedPacket, systemdJournalExport, decryptionSecrets, customCopiable, customNonCopiable: return true
        default: return false
        }
    }
}

/// Walks a pcapng option list (section 3.5): `code (2) | length (2) | value, padded to 4`,
/// ended by `opt_endofopt` (code 0) or the end of the options area.
struct PcapngOptions {
    let bytes: UnsafeRawBufferPointer
    let big: Bool

    /// Calls `body(code, value)` for each option; returns false when an option runs past the area.
    func forEach(_ body: (UInt16, UnsafeRawBufferPointer) -> Void) -> Bool {
        var offset = 0
        while bytes.count - offset >= 4 {
            let code = bytes.u16(offset, big)
            let length = Int(bytes.u16(offset + 2, big))
            if code == 0 { return true }
            let valueStart = offset + 4
            guard bytes.count - valueStart >= length else { return false }
            body(code, UnsafeRawBufferPointer(rebasing: bytes[valueStart..<(valueStart + length)]))
            offset = valueStart + ((length + 3) & ~3)
        }
        return true
    }
}
