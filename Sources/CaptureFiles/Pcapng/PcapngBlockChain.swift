import CaptureCore

/// The search for the next chain of valid pcapng blocks after damage (the resynchronisation of
/// `PcapngReader`).
///
/// pcapng frames every block with its total length at both ends (draft-ietf-opsawg-pcapng
/// section 3.1), so a position is believed to start a block when, in the section's byte order
/// (or the order of its own byte-order magic for a section header block):
/// * the type is a registered block type (`PcapngBlockType.isKnown`);
/// * the total length is at least 12, a multiple of 4, and repeated by the trailing length;
/// * a packet block names an interface the section has and its captured length fits the block;
/// and the next `chainLength - 1` blocks, each starting where the previous ends, are valid too
/// (or the chain ends exactly at the end of the input). Random bytes pass the first block with
/// probability about 2^-60; a chain of three never.
struct PcapngBlockChain {
    let big: Bool
    /// Interfaces described so far in the current section.
    let interfacesInSection: Int
    /// Blocks in a chain that confirms a resynchronisation point.
    static let chainLength = 3

    /// True when a chain of valid blocks starts at `position`.
    func chainStarts(at position: Int, in window: inout CaptureByteWindow) -> Bool {
        var q = position, big = self.big, interfaces = interfacesInSection
        for n in 0..<Self.chainLength {
            guard let head = window.bytes(at: q, count: PcapngBlockType.minimumLength, keeping: position) else {
                return n > 0 && window.bytesUpTo(at: q, count: 1, keeping: position).isEmpty
            }
            let raw = head.uncheckedBigEndian(UInt32.self, at: 0)
            if raw == PcapngBlockType.sectionHeader {
                guard let order = SectionHeaderBlock.byteOrder(head) else { return false }
                big = order == .big
                interfaces = 0
            }
            let type = big ? raw : raw.byteSwapped
            let length = Int(head.u32(4, big))
            guard PcapngBlockType.isKnown(type), length >= PcapngBlockType.minimumLength, length % 4 == 0,
                  length <= CaptureByteWindow.maximumRequestBytes,
                  let block = window.bytes(at: q, count: length, keeping: position),
                  Int(block.u32(length - 4, big)) == length else { return false }
            switch type {
            case PcapngBlockType.enhancedPacket, PcapngBlockType.packet:
                guard length >= 12 + EnhancedPacketBlock.Field.data else { return false }
                let id = type == PcapngBlockType.enhancedPacket ? Int(block.u32(8, big)) : Int(block.u16(8, big))
                let caplen = Int(block.u32(8 + EnhancedPacketBlock.Field.capturedLength, big))
                guard id < interfaces, caplen <= length - 12 - EnhancedPacketBlock.Field.data else { return false }
            case PcapngBlockType.simplePacket:
                guard interfaces > 0 else { return false }
            case PcapngBlockType.interfaceDescription:
                interfaces += 1
            default:
                break
            }
            q += length
        }
        return true
    }

    /// The first offset at or after `from` where a chain starts; nil when none does before the end.
    func resynchronize(_ window: inout CaptureByteWindow, from: Int) -> Int? {
        var p = from
        while let head = window.bytes(at: p, count: PcapngBlockType.minimumLength, keeping: p) {
            // Cheap first test: a registered type in the section's order, or a section header.
            let raw = head.uncheckedBigEndian(UInt32.self, at: 0)
            if raw == PcapngBlockType.sectionHeader || PcapngBlockType.isKnown(big ? raw : raw.byteSwapped),
               chainStarts(at: p, in: &window) { return p }
            p += 1
        }
        return nil
    }
}
