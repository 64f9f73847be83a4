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
///   magic) gives a `CaptureWarning` with the block's offset. libpcap and Wireshark stop there;
///   this reader resynchronises instead (`PcapngBlockChain`): it scans forward for the first
///   position where a chain of valid blocks starts, warns `resynchronized` with both offsets,
///   and reads on, so damage in the middle costs only the damaged blocks. An unsupported
///   section version is not damage and still stops reading.
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
        var window = CaptureByteWindow(path: path, memory: bytes)
        defer { window.release() }
        return try PcapngReader.read(path: path, window: &window, body)
    }

    /// The block loop over a window (memory, file or inflated gzip).
    static func read(path: String, window: inout CaptureByteWindow,
                     _ body: (PacketRecord) throws -> Void) rethrows -> CaptureFileReport {
        var report = CaptureFileReport(path: path, format: .pcapng)
        var interfaces: [Interface] = []
        var sectionFirstInterface = 0
        var section = -1
        var big = false
        var totals = RecordTotals()
        var offset = 0

        func warn(_ at: Int, _ code: String, _ reason: String) {
            if report.warnings.count < PcapngReader.maximumWarnings {
                report.warnings.append(CaptureWarning(file: path, byteOffset: at, code: code, reason: reason))
            }
        }

        blocks: while true {
            // A framing fault: the lengths can no longer be trusted from here.
            var fault: (code: String, reason: String)
            framing: do {
                guard let head = window.bytes(at: offset, count: PcapngBlockType.minimumLength, keeping: offset) else {
                    let remaining = window.bytesUpTo(at: offset, count: PcapngBlockType.minimumLength, keeping: offset).count
                    if remaining > 0 { warn(offset, "truncated_block", "file ends inside a block header (\(remaining) bytes left)") }
                    break blocks
                }
                let rawType = head.uncheckedBigEndian(UInt32.self, at: 0)  // SHB type is a palindrome
                if rawType == PcapngBlockType.sectionHeader {
                    guard let order = SectionHeaderBlock.byteOrder(head) else {
                        fault = ("bad_byte_order_magic", "section header block has no valid byte-order magic")
                        break framing
                    }
                    big = order == .big
                    guard let shb = window.bytes(at: offset, count: SectionHeaderBlock.Field.minimumLength, keeping: offset) else {
                        fault = ("truncated_block", "file ends inside a section header block")
                        break framing
                    }
                    let major = shb.u16(SectionHeaderBlock.Field.versionMajor, big)
                    let minor = shb.u16(SectionHeaderBlock.Field.versionMinor, big)
                    report.sectionByteOrders.append(order)
                    if section < 0 { report.versionMajor = Int(major); report.versionMinor = Int(minor) }
                    guard SectionHeaderBlock.isSupported(major: major, minor: minor) else {
                        // Not damage: a section this reader cannot interpret; libpcap and Wireshark stop too.
                        warn(offset, "unsupported_version", "section header block version \(major).\(minor) is not supported (1.0)")
                        break blocks
                    }
                    section += 1
                    sectionFirstInterface = interfaces.count
                } else if section < 0 {
                    warn(offset, "missing_section_header", "first block is not a section header block")
                    break blocks
                }
                let type = big ? rawType : rawType.byteSwapped
                let length = Int(head.u32(4, big))
                guard length >= PcapngBlockType.minimumLength, length % 4 == 0 else {
                    fault = ("bad_block_length", "block type 0x\(String(type, radix: 16)) has total length \(length) (must be >= 12 and a multiple of 4)")
                    break framing
                }
                // Checked before anything is read, so a memory, file or gzip source gives the same
                // verdict (the fuzz target FuzzResync compares them).
                guard length <= CaptureByteWindow.maximumRequestBytes else {
                    fault = ("block_too_large", "block type 0x\(String(type, radix: 16)) of \(length) bytes exceeds the reader's \(CaptureByteWindow.maximumRequestBytes)-byte block limit")
                    break framing
                }
                let blockOffset = offset
                guard let block = window.bytes(at: offset, count: length, keeping: offset) else {
                    let remaining = window.bytesUpTo(at: offset, count: length, keeping: offset).count
                    fault = ("truncated_block", "block type 0x\(String(type, radix: 16)) of \(length) bytes runs past the end of the file (\(remaining) bytes left)")
                    break framing
                }
                let trailing = Int(block.u32(length - 4, big))
                guard trailing == length else {
                    fault = ("block_length_mismatch", "block total length \(length) and trailing length \(trailing) differ")
                    break framing
                }
                let bodyStart = 8
                let blockBody = UnsafeRawBufferPointer(rebasing: block[bodyStart..<(length - 4)])
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
                        continue blocks
                    }
                    let localID = type == PcapngBlockType.enhancedPacket
                        ? Int(blockBody.u32(EnhancedPacketBlock.Field.interfaceID, big))
                        : Int(blockBody.u16(ObsoletePacketBlock.Field.interfaceID, big))
                    let caplen = Int(blockBody.u32(EnhancedPacketBlock.Field.capturedLength, big))
                    let origlen = Int(blockBody.u32(EnhancedPacketBlock.Field.originalLength, big))
                    // Interface IDs index the section's own list: an O(1) array access, whatever
                    // the number of interfaces (65,536 interfaces cost no more than one).
                    guard localID < interfaces.count - sectionFirstInterface else {
                        warn(blockOffset, "unknown_interface", "packet block names interface \(localID), section has \(interfaces.count - sectionFirstInterface)")
                        continue blocks
                    }
                    guard caplen <= blockBody.count - EnhancedPacketBlock.Field.data else {
                        warn(blockOffset, "bad_caplen", "packet block captured length \(caplen) runs past its block")
                        continue blocks
                    }
                    let interface = interfaces[sectionFirstInterface + localID]
                    let units = UInt64(blockBody.u32(EnhancedPacketBlock.Field.timestampHigh, big)) << 32
                        | UInt64(blockBody.u32(EnhancedPacketBlock.Field.timestampLow, big))
                    let dataStart = EnhancedPacketBlock.Field.data
                    let record = PacketRecord(
                        timestamp: interface.nanoseconds(units), capturedLength: caplen, originalLength: origlen,
                        linkType: interface.linkType, interfaceIndex: interface.globalIndex, fileOffset: blockOffset,
                        bytes: UnsafeRawBufferPointer(rebasing: blockBody[dataStart..<(dataStart + caplen)]))
                    totals.count(capturedLength: caplen, originalLength: origlen)
                    try body(record)

                case PcapngBlockType.simplePacket:
                    guard blockBody.count >= SimplePacketBlock.Field.data else {
                        warn(blockOffset, "bad_block_length", "simple packet block too short (\(length) bytes)")
                        continue blocks
                    }
                    guard interfaces.count > sectionFirstInterface else {
                        warn(blockOffset, "unknown_interface", "simple packet block before any interface description block in its section")
                        continue blocks
                    }
                    let interface = interfaces[sectionFirstInterface]
                    let origlen = Int(blockBody.u32(SimplePacketBlock.Field.originalLength, big))
                    var caplen = min(origlen, blockBody.count - SimplePacketBlock.Field.data)
                    if interface.snaplen > 0 { caplen = min(caplen, interface.snaplen) }
                    let dataStart = SimplePacketBlock.Field.data
                    // No timestamp in an SPB (section 4.4): `hasTimestamp` false, so analyses leave
                    // first/last timestamps alone (the 0 is no time).
                    var record = PacketRecord(
                        timestamp: 0, capturedLength: caplen, originalLength: origlen,
                        linkType: interface.linkType, interfaceIndex: interface.globalIndex, fileOffset: blockOffset,
                        bytes: UnsafeRawBufferPointer(rebasing: blockBody[dataStart..<(dataStart + caplen)]))
                    record.hasTimestamp = false
                    totals.count(capturedLength: caplen, originalLength: origlen)
                    try body(record)

                default:
                    // NRB, ISB, DSB, custom and unknown blocks carry no packets: skipped by length.
                    break
                }
                continue blocks
            }
            warn(offset, fault.code, fault.reason)
            let chain = PcapngBlockChain(big: big, interfacesInSection: interfaces.count - sectionFirstInterface)
            guard let resumed = chain.resynchronize(&window, from: offset + 1) else { break blocks }
            warn(resumed, "resynchronized",
                 "reading resumed here after skipping \(resumed - offset) bytes of damaged data from offset \(offset) (a chain of valid blocks starts here)")
            offset = resumed
        }
        totals.store(into: &report)
        return report
    }
}
