import CaptureCore

/// Streams the packets of a pcapng file (draft-ietf-opsawg-pcapng), block by block.
///
/// * Several sections per file, each in its own byte order; interface IDs restart at 0 in each
///   section, while `PacketRecord.interfaceIndex` and the report count interfaces over the file.
/// * Each interface keeps its own link type, snaplen, `if_tsresol` and `if_tsoffset`.
/// * Enhanced, simple and obsolete packet blocks deliver packets; every other block (name
///   resolution, interface statistics, decryption secrets, custom, unknown) is skipped by length.
/// * A framing fault (block shorter than 12 bytes or not a multiple of 4, block running past
///   the end of the file, trailing length differing from the leading one, unknown byte-order
///   magic, unsupported section version) gives a `CaptureWarning` with the block's offset and
///   stops reading: the length fields can no longer be trusted, and libpcap/Wireshark stop too.
/// * A packet block that names an undefined interface, or whose captured length runs past its
///   block, is skipped with a warning and reading continues (the framing is still sound).
public struct PcapngReader {
    public let path: String
    public let bytes: UnsafeRawBufferPointer

    public init(path: String, bytes: UnsafeRawBufferPointer) {
        self.path = path
        self.bytes = bytes
    }

    /// Per-interface state used per packet (no allocation after the IDB is read).
    private struct Interface {
        var linkType: LinkType
        var snaplen: Int
        var globalIndex: Int
        var resolution: TimestampResolution
        var offsetNanoseconds: Int64
        /// Fast path for power-of-ten resolutions up to 10^-9: units * multiplier.
        var decimalMultiplier: UInt64?

        @inline(__always) func nanoseconds(_ units: UInt64) -> Int64 {
            if let m = decimalMultiplier { return Int64(bitPattern: units &* m) &+ offsetNanoseconds }
            return resolution.nanoseconds(units) &+ offsetNanoseconds
        }
    }

    /// Warnings per file are capped so a damaged file with millions of bad packet blocks stays readable.
    public static let maximumWarnings = 100

    /// Reads every block, calling `body` for each packet.
    /// - Returns: the report; nothing is thrown except what `body` throws (which stops reading).
    public func read(_ body: (PacketRecord) throws -> Void) rethrows -> CaptureFileReport {
        var report = CaptureFileReport(path: path, format: .pcapng)
        var interfaces: [Interface] = []
        var sectionFirstInterface = 0
        var section = -1
        var big = false
        var totals = RecordTotals()
        let count = bytes.count
        var offset = 0

        func warn(_ at: Int, _ code: String, _ reason: String) {
            if report.warnings.count < PcapngReader.maximumWarnings {
                report.warnings.append(CaptureWarning(file: path, byteOffset: at, code: code, reason: reason))
            }
        }

        blocks: while offset < count {
            let remaining = count - offset
            guard remaining >= PcapngBlockType.minimumLength else {
                warn(offset, "truncated_block", "file ends inside a block header (\(remaining) bytes left)")
                break
            }
            let rawType = bytes.uncheckedBigEndian(UInt32.self, at: offset)  // SHB type is a palindrome
            if rawType == PcapngBlockType.sectionHeader {
                let block = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                guard let order = SectionHeaderBlock.byteOrder(block) else {
                    warn(offset, "bad_byte_order_magic", "section header block has no valid byte-order magic")
                    break
                }
                big = order == .big
                guard remaining >= SectionHeaderBlock.Field.minimumLength else {
                    warn(offset, "truncated_block", "file ends inside a section header block")
                    break
                }
                let major = block.u16(SectionHeaderBlock.Field.versionMajor, big)
                let minor = block.u16(SectionHeaderBlock.Field.versionMinor, big)
                report.sectionByteOrders.append(order)
                if section < 0 { report.versionMajor = Int(major); report.versionMinor = Int(minor) }
                guard SectionHeaderBlock.isSupported(major: major, minor: minor) else {
                    warn(offset, "unsupported_version", "section header block version \(major).\(minor) is not supported (1.0)")
                    break
                }
                section += 1
                sectionFirstInterface = interfaces.count
            } else if section < 0 {
                warn(offset, "missing_section_header", "first block is not a section header block")
                break
            }
            let type = big ? rawType : rawType.byteSwapped
            let length = Int(bytes.u32(offset + 4, big))
            guard length >= PcapngBlockType.minimumLength, length % 4 == 0 else {
                warn(offset, "bad_block_length", "block type 0x\(String(type, radix: 16)) has total length \(length) (must be >= 12 and a multiple of 4)")
                break
            }
            guard length <= remaining else {
                warn(offset, "truncated_block", "block type 0x\(String(type, radix: 16)) of \(length) bytes runs past the end of the file (\(remaining) bytes left)")
                break
            }
            let trailing = Int(bytes.u32(offset + length - 4, big))
            guard trailing == length else {
                warn(offset, "block_length_mismatch", "block total length \(length) and trailing length \(trailing) differ")
                break
            }
            let bodyStart = offset + 8
            let blockBody = UnsafeRawBufferPointer(rebasing: bytes[bodyStart..<(offset + length - 4)])
            let blockOffset = offset
            offset += length

            switch type {
            case PcapngBlockType.sectionHeader:
                guard blockBody.count >= SectionHeaderBlock.Field.options - 8 else {
                    warn(blockOffset, "bad_block_length", "section header block too short (\(length) bytes)")
                    break blocks
                }
            case PcapngBlockType.interfaceDescription:
                guard let (interface, wellFormed) = InterfaceDescriptionBlock.parse(
                    body: blockBody, big: big, index: interfaces.count, section: section) else {
                    warn(blockOffset, "bad_block_length", "interface description block too short (\(length) bytes)")
                    break blocks
                }
                if !wellFormed { warn(blockOffset, "bad_option", "interface description block option runs past the block; later options ignored") }
                report.interfaces.append(interface)
                let r = interface.timestampResolution
                interfaces.append(Interface(
                    linkType: interface.linkType, snaplen: interface.snaplen, globalIndex: interface.index,
                    resolution: r, offsetNanoseconds: interface.timestampOffsetSeconds &* 1_000_000_000,
                    decimalMultiplier: r.base == 10 && r.exponent <= 9 ? TimestampResolution.pow10[9 - r.exponent] : nil))

            case PcapngBlockType.enhancedPacket, PcapngBlockType.packet:
                guard blockBody.count >= EnhancedPacketBlock.Field.data else {
                    warn(blockOffset, "bad_block_length", "packet block too short (\(length) bytes)")
                    continue
                }
                let localID = type == PcapngBlockType.enhancedPacket
                    ? Int(blockBody.u32(EnhancedPacketBlock.Field.interfaceID, big))
                    : Int(blockBody.u16(ObsoletePacketBlock.Field.interfaceID, big))
                let caplen = Int(blockBody.u32(EnhancedPacketBlock.Field.capturedLength, big))
                let origlen = Int(blockBody.u32(EnhancedPacketBlock.Field.originalLength, big))
                guard localID < interfaces.count - sectionFirstInterface else {
                    warn(blockOffset, "unknown_interface", "packet block names interface \(localID), section has \(interfaces.count - sectionFirstInterface)")
                    continue
                }
                guard caplen <= blockBody.count - EnhancedPacketBlock.Field.data else {
                    warn(blockOffset, "bad_caplen", "packet block captured length \(caplen) runs past its block")
                    continue
                }
                let interface = interfaces[sectionFirstInterface + localID]
                let units = UInt64(blockBody.u32(EnhancedPacketBlock.Field.timestampHigh, big)) << 32
                    | UInt64(blockBody.u32(EnhancedPacketBlock.Field.timestampLow, big))
                let dataStart = bodyStart + EnhancedPacketBlock.Field.data
                let record = PacketRecord(
                    timestamp: interface.nanoseconds(units), capturedLength: caplen, originalLength: origlen,
                    linkType: interface.linkType, interfaceIndex: interface.globalIndex, fileOffset: blockOffset,
                    bytes: UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + caplen)]))
                totals.count(capturedLength: caplen, originalLength: origlen)
                try body(record)

            case PcapngBlockType.simplePacket:
                guard blockBody.count >= SimplePacketBlock.Field.data else {
                    warn(blockOffset, "bad_block_length", "simple packet block too short (\(length) bytes)")
                    continue
                }
                guard interfaces.count > sectionFirstInterface else {
                    warn(blockOffset, "unknown_interface", "simple packet block before any interface description block in its section")
                    continue
                }
                let interface = interfaces[sectionFirstInterface]
                let origlen = Int(blockBody.u32(SimplePacketBlock.Field.originalLength, big))
                var caplen = min(origlen, blockBody.count - SimplePacketBlock.Field.data)
                if interface.snaplen > 0 { caplen = min(caplen, interface.snaplen) }
                let dataStart = bodyStart + SimplePacketBlock.Field.data
                // No timestamp in an SPB (section 4.4): `hasTimestamp` false, so analyses leave
                // first/last timestamps alone (the 0 is no time).
                var record = PacketRecord(
                    timestamp: 0, capturedLength: caplen, originalLength: origlen,
                    linkType: interface.linkType, interfaceIndex: interface.globalIndex, fileOffset: blockOffset,
                    bytes: UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + caplen)]))
                record.hasTimestamp = false
                totals.count(capturedLength: caplen, originalLength: origlen)
                try body(record)

            default:
                // NRB, ISB, DSB, custom and unknown blocks carry no packets: skipped by length.
                continue
            }
        }
        totals.store(into: &report)
        return report
    }
}
