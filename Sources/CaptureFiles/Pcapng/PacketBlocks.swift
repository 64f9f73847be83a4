import CaptureCore

/// Enhanced Packet Block (draft-ietf-opsawg-pcapng section 4.3).
///
/// ```
/// | Block Type = 6 | Block Total Length |
/// | Interface ID (32) | Timestamp (High) (32) | Timestamp (Low) (32) |
/// | Captured Packet Length (32) | Original Packet Length (32) |
/// | Packet Data, padded to 32 bits | Options ... | Block Total Length |
/// ```
enum EnhancedPacketBlock {
    enum Field { static let interfaceID = 0, timestampHigh = 4, timestampLow = 8, capturedLength = 12, originalLength = 16, data = 20 }
}

/// Simple Packet Block (section 4.4): only the original length and the data; it belongs to the
/// section's first interface, has no timestamp, and its captured length is
/// min(original length, that interface's snaplen, bytes in the block).
///
/// ```
/// | Block Type = 3 | Block Total Length | Original Packet Length (32) | Packet Data ... | Block Total Length |
/// ```
enum SimplePacketBlock {
    enum Field { static let originalLength = 0, data = 4 }
}

/// Obsolete Packet Block (Appendix A): like the EPB with a 16-bit interface ID and drop count.
///
/// ```
/// | Block Type = 2 | Block Total Length |
/// | Interface ID (16) | Drops Count (16) | Timestamp (High) | Timestamp (Low) |
/// | Captured Packet Length | Original Packet Length | Packet Data ... | Options | Block Total Length |
/// ```
enum ObsoletePacketBlock {
    enum Field { static let interfaceID = 0, dropsCount = 2, timestampHigh = 4, timestampLow = 8, capturedLength = 12, originalLength = 16, data = 20 }
}
