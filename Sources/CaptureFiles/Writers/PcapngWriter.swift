import CaptureCore

/// Builds a pcapng file in memory (draft-ietf-opsawg-pcapng), for tests and sample captures:
/// several sections (each in its own byte order), several interfaces with different link types,
/// `if_tsresol` (decimal or binary) and `if_tsoffset`, every packet block kind, and the blocks a
/// reader must skip (name resolution, interface statistics, decryption secrets, custom, any type).
public struct PcapngWriter {
    public private(set) var bytes: [UInt8] = []
    private var big = false
    /// Per-interface (current section) timestamp resolution and offset, for encoding timestamps.
    private var sectionInterfaces: [(TimestampResolution, Int64)] = []
    public private(set) var packetCount = 0

    /// Starts the file with a section header block.
    public init(byteOrder: CaptureByteOrder = .little, comment: String? = nil) {
        startSection(byteOrder: byteOrder, comment: comment)
    }

    /// Appends a new section header block; interface IDs restart at 0.
    public mutating func startSection(byteOrder: CaptureByteOrder, comment: String? = nil,
                                      versionMajor: UInt16 = 1, versionMinor: UInt16 = 0) {
        big = byteOrder == .big
        sectionInterfaces = []
        var body = ByteSink(big: big)
        body.u32(PcapngBlockType.byteOrderMagic)
        body.u16(versionMajor)
        body.u16(versionMinor)
        body.u64(UInt64.max)  // section length unknown (-1)
        if let comment { appendOption(&body, code: 1, value: Array(comment.utf8)); body.u32(0) }
        appendBlock(type: PcapngBlockType.sectionHeader, body: body.bytes)
    }

    /// Appends an interface description block.
    /// - Parameters:
    ///   - tsresol: raw `if_tsresol` byte (6 = usec, 9 = nsec, 0x80 | n = 2^-n); nil writes no option (usec).
    ///   - tsoffset: `if_tsoffset` seconds.
    /// - Returns: the interface ID within the current section.
    @discardableResult
    public mutating func addInterface(linkType: LinkType, snaplen: UInt32 = 262_144, tsresol: UInt8? = nil,
                                      tsoffset: Int64? = nil, name: String? = nil, fcsLength: UInt8? = nil) -> Int {
        var body = ByteSink(big: big)
        body.u16(linkType.rawValue)
        body.u16(0)
        body.u32(snaplen)
        var hasOptions = false
        if let name { appendOption(&body, code: 2, value: Array(name.utf8)); hasOptions = true }
        if let tsresol { appendOption(&body, code: 9, value: [tsresol]); hasOptions = true }
        if let fcsLength { appendOption(&body, code: 13, value: [fcsLength]); hasOptions = true }
        if let tsoffset {
            var v = ByteSink(big: big); v.u64(UInt64(bitPattern: tsoffset))
            appendOption(&body, code: 14, value: v.bytes); hasOptions = true
        }
        if hasOptions { body.u32(0) }  // opt_endofopt
        appendBlock(type: PcapngBlockType.interfaceDescription, body: body.bytes)
        sectionInterfaces.append((tsresol.map(TimestampResolution.init(ifTsresol:)) ?? .microseconds, tsoffset ?? 0))
        return sectionInterfaces.count - 1
    }

    /// Appends an enhanced packet block on `interface` (section-local ID).
    /// - Parameters:
    ///   - timestamp: nanoseconds since the epoch; converted to the interface's units after
    ///     subtracting its `if_tsoffset` (rounded down).
    ///   - capturedLength: store only this many bytes (default all).
    public mutating func appendEnhancedPacket(interface: Int, timestamp: Int64, packet: [UInt8],
                                              capturedLength: Int? = nil, originalLength: Int? = nil, comment: String? = nil) {
        let caplen = min(capturedLength ?? packet.count, packet.count)
        var body = ByteSink(big: big)
        body.u32(UInt32(interface))
        let units = encode(timestamp, interface: interface)
        body.u32(UInt32(truncatingIfNeeded: units >> 32))
        body.u32(UInt32(truncatingIfNeeded: units))
        body.u32(UInt32(caplen))
        body.u32(UInt32(originalLength ?? packet.count))
        body.append(packet.prefix(caplen))
        body.pad4()
        if let comment { appendOption(&body, code: 1, value: Array(comment.utf8)); body.u32(0) }
        appendBlock(type: PcapngBlockType.enhancedPacket, body: body.bytes)
        packetCount += 1
    }

    /// Appends a simple packet block (belongs to interface 0 of the section; no timestamp).
    public mutating func appendSimplePacket(packet: [UInt8], originalLength: Int? = nil) {
        var body = ByteSink(big: big)
        body.u32(UInt32(originalLength ?? packet.count))
        body.append(packet)
        body.pad4()
        appendBlock(type: PcapngBlockType.simplePacket, body: body.bytes)
        packetCount += 1
    }

    /// Appends an obsolete packet block (Appendix A) on `interface`.
    public mutating func appendObsoletePacket(interface: Int, timestamp: Int64, packet: [UInt8], originalLength: Int? = nil) {
        var body = ByteSink(big: big)
        body.u16(UInt16(interface))
        body.u16(0)  // drops count
        let units = encode(timestamp, interface: interface)
        body.u32(UInt32(truncatingIfNeeded: units >> 32))
        body.u32(UInt32(truncatingIfNeeded: units))
        body.u32(UInt32(packet.count))
        body.u32(UInt32(originalLength ?? packet.count))
        body.append(packet)
        body.pad4()
        appendBlock(type: PcapngBlockType.packet, body: body.bytes)
        packetCount += 1
    }

    /// Appends a name resolution block with one IPv4 record (`nrb_record_ipv4`, section 4.5).
    public mutating func appendNameResolution(ipv4: [UInt8], name: String) {
        var body = ByteSink(big: big)
        body.u16(1)
        body.u16(UInt16(4 + name.utf8.count + 1))
        body.append(ipv4)
        body.append(Array(name.utf8) + [0])
        body.pad4()
        body.u16(0); body.u16(0)  // nrb_record_end
        appendBlock(type: PcapngBlockType.nameResolution, body: body.bytes)
    }

    /// Appends an interface statistics block (section 4.6) with `isb_ifrecv` = `received`.
    public mutating func appendInterfaceStatistics(interface: Int, timestamp: Int64, received: UInt64) {
        var body = ByteSink(big: big)
        body.u32(UInt32(interface))
        let units = encode(timestamp, interface: interface)
        body.u32(UInt32(truncatingIfNeeded: units >> 32))
        body.u32(UInt32(truncatingIfNeeded: units))
        var v = ByteSink(big: big); v.u64(received)
        appendOption(&body, code: 4, value: v.bytes)
        body.u32(0)
        appendBlock(type: PcapngBlockType.interfaceStatistics, body: body.bytes)
    }

    /// Appends a decryption secrets block (section 4.7), e.g. type 0x544c534b (TLS key log).
    public mutating func appendDecryptionSecrets(secretsType: UInt32, data: [UInt8]) {
        var body = ByteSink(big: big)
        body.u32(secretsType)
        body.u32(UInt32(data.count))
        body.append(data)
        body.pad4()
        appendBlock(type: PcapngBlockType.decryptionSecrets, body: body.bytes)
    }

    /// Appends a custom block (section 4.8) with a Private Enterprise Number.
    public mutating func appendCustomBlock(copiable: Bool = true, enterpriseNumber: UInt32, data: [UInt8]) {
        var body = ByteSink(big: big)
        body.u32(enterpriseNumber)
        body.append(data)
        body.pad4()
        appendBlock(type: copiable ? PcapngBlockType.customCopiable : PcapngBlockType.customNonCopiable, body: body.bytes)
    }

    /// Appends any block: type, length, `body` padded to 4 bytes, length.
    public mutating func appendBlock(type: UInt32, body: [UInt8]) {
        var sink = ByteSink(big: big)
        let padded = (body.count + 3) & ~3
        let length = UInt32(12 + padded)
        sink.u32(type)
        sink.u32(length)
        sink.append(body)
        sink.pad4()
        sink.u32(length)
        bytes.append(contentsOf: sink.bytes)
    }

    /// Writes the file. - Throws: `CaptureWriteError`.
    public func write(to path: String) throws { try writeFile(bytes, to: path) }

    private func appendOption(_ body: inout ByteSink, code: UInt16, value: [UInt8]) {
        body.u16(code)
        body.u16(UInt16(value.count))
        body.append(value)
        body.pad4()
    }

    /// Nanoseconds since the epoch -> interface units (inverse of `TimestampResolution.nanoseconds`).
    private func encode(_ timestamp: Int64, interface: Int) -> UInt64 {
        let (resolution, offset) = interface < sectionInterfaces.count ? sectionInterfaces[interface] : (.microseconds, 0)
        let ns = UInt64(bitPattern: timestamp &- offset &* 1_000_000_000)
        if resolution.base == 10 {
            if resolution.exponent <= 9 { return ns / TimestampResolution.pow10[9 - resolution.exponent] }
            return ns &* TimestampResolution.pow10[min(resolution.exponent - 9, 19)]
        }
        let seconds = ns / 1_000_000_000, nanos = ns % 1_000_000_000
        let e = UInt64(resolution.exponent)
        return (seconds << e) | ((nanos << e) / 1_000_000_000)
    }
}
