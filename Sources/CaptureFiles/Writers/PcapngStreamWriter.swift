#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaptureCore

/// Writes a live capture to disk as pcapng while it runs (draft-ietf-opsawg-pcapng), in the
/// host's byte order: a section header block naming the writer, one interface description block
/// (`if_name`, link type, snaplen, `if_tsresol`), enhanced packet blocks, and at `close` an
/// interface statistics block with the capture counters.
///
/// Packets go into one reusable buffer flushed with write(2) every 256 KiB (and at `flush` /
/// `close`): no allocation per packet. `PcapngWriter` is the in-memory builder for tests and
/// samples; this one is for captures of any length.
public final class PcapngStreamWriter {
    /// What the interface description block says.
    public struct Interface: Sendable {
        public var name: String
        public var linkType: LinkType
        public var snaplen: UInt32
        /// `if_tsresol`: 9 nanoseconds, 6 microseconds; the EPB timestamps use it.
        public var tsresol: UInt8
        public init(name: String, linkType: LinkType, snaplen: UInt32, tsresol: UInt8) {
            self.name = name; self.linkType = linkType; self.snaplen = snaplen; self.tsresol = tsresol
        }
    }

    /// Capture counters for the interface statistics block (pcapng section 4.6).
    public struct Statistics: Sendable {
        /// `isb_starttime` / `isb_endtime`, nanoseconds since the epoch.
        public var start: Int64
        public var end: Int64
        /// `isb_ifrecv`: packets received (libpcap `ps_recv`).
        public var received: UInt64
        /// `isb_ifdrop`: dropped by the interface (libpcap `ps_ifdrop`).
        public var interfaceDropped: UInt64
        /// `isb_osdrop`: dropped by the operating system for want of buffer (libpcap `ps_drop`).
        public var osDropped: UInt64
        /// `isb_usrdeliv`: packets delivered to the writer (the EPBs in this section).
        public var delivered: UInt64
        public init(start: Int64, end: Int64, received: UInt64, interfaceDropped: UInt64, osDropped: UInt64, delivered: UInt64) {
            self.start = start; self.end = end; self.received = received; self.interfaceDropped = interfaceDropped
            self.osDropped = osDropped; self.delivered = delivered
        }
    }

    public let path: String
    public let interface: Interface
    private var fd: Int32
    private var buffer: [UInt8] = []
    private static let flushAt = 256 * 1024
    /// Bytes written to this file so far (flushed or buffered).
    public private(set) var bytesWritten: UInt64 = 0
    /// Enhanced packet blocks written.
    public private(set) var packetsWritten: UInt64 = 0

    /// Creates (or truncates, or with `append` extends with a new section) `path` and writes the
    /// section header and interface description blocks.
    /// - Throws: `CaptureWriteError` with errno's text.
    public init(path: String, interface: Interface, application: String, append: Bool = false) throws {
        self.path = path
        self.interface = interface
        fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CaptureWriteError(path: path, reason: String(cString: strerror(errno))) }
        buffer.reserveCapacity(Self.flushAt + 300_000)
        writeSectionHeader(application: application)
        writeInterfaceDescription()
        try flush()
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Appends one enhanced packet block for `record` (its captured bytes, original length,
    /// timestamp in the interface's `if_tsresol`).
    /// - Throws: `CaptureWriteError` when a flush fails.
    @inline(__always)
    public func append(_ record: PacketRecord) throws {
        let caplen = record.bytes.count
        let padded = (caplen + 3) & ~3
        let length = UInt32(32 + padded)
        let units = timestampUnits(record.timestamp)
        u32(PcapngBlockType.enhancedPacket); u32(length)
        u32(0)  // interface 0
        u32(UInt32(truncatingIfNeeded: units >> 32)); u32(UInt32(truncatingIfNeeded: units))
        u32(UInt32(caplen)); u32(UInt32(clamping: record.originalLength))
        buffer.append(contentsOf: record.bytes)
        for _ in caplen..<padded { buffer.append(0) }
        u32(length)
        bytesWritten += UInt64(length)
        packetsWritten += 1
        if buffer.count >= Self.flushAt { try flush() }
    }

    /// Writes the interface statistics block (section 4.6) for interface 0.
    public func appendStatistics(_ s: Statistics) throws {
        let start = buffer.count
        u32(PcapngBlockType.interfaceStatistics); u32(0)
        u32(0)
        let now = timestampUnits(s.end)
        u32(UInt32(truncatingIfNeeded: now >> 32)); u32(UInt32(truncatingIfNeeded: now))
        option64(2, timestampUnits(s.start), split: true)   // isb_starttime
        option64(3, now, split: true)                        // isb_endtime
        option64(4, s.received)                              // isb_ifrecv
        option64(5, s.interfaceDropped)                      // isb_ifdrop
        option64(7, s.osDropped)                             // isb_osdrop
        option64(8, s.delivered)                             // isb_usrdeliv
        u32(0)                                               // opt_endofopt
        let length = UInt32(buffer.count - start + 4)
        u32(length)
        buffer.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: start + 4, as: UInt32.self) }
        bytesWritten += UInt64(length)
        try flush()
    }

    /// Writes the buffered blocks.
    /// - Throws: `CaptureWriteError` with errno's text.
    public func flush() throws {
        if let e = buffer.withUnsafeBytes({ writeFully($0, to: fd) }) {
            throw CaptureWriteError(path: path, reason: String(cString: strerror(e)))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file (the statistics block, if wanted, goes first).
    public func close() throws {
        defer { if fd >= 0 { Glibc.close(fd); fd = -1 } }
        try flush()
    }

    // MARK: - Blocks and fields

    private func writeSectionHeader(application: String) {
        let start = buffer.count
        u32(PcapngBlockType.sectionHeader); u32(0)
        u32(PcapngBlockType.byteOrderMagic)
        u16(1); u16(0)
        u64(UInt64.max)  // section length not given
        option(4, Array(application.utf8))  // shb_userappl
        u32(0)
        let length = UInt32(buffer.count - start + 4)
        u32(length)
        buffer.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: start + 4, as: UInt32.self) }
        bytesWritten += UInt64(length)
    }

    private func writeInterfaceDescription() {
        let start = buffer.count
        u32(PcapngBlockType.interfaceDescription); u32(0)
        u16(interface.linkType.rawValue); u16(0)
        u32(interface.snaplen)
        option(2, Array(interface.name.utf8))  // if_name
        option(9, [interface.tsresol])         // if_tsresol
        u32(0)
        let length = UInt32(buffer.count - start + 4)
        u32(length)
        buffer.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: start + 4, as: UInt32.self) }
        bytesWritten += UInt64(length)
    }

    /// Nanoseconds since the epoch in the interface's units (10^-tsresol seconds).
    @inline(__always)
    private func timestampUnits(_ ns: Int64) -> UInt64 {
        let v = UInt64(bitPattern: ns)
        return interface.tsresol == 9 ? v : v / 1000
    }

    @inline(__always) private func u16(_ v: UInt16) { withUnsafeBytes(of: v) { buffer.append(contentsOf: $0) } }
    @inline(__always) private func u32(_ v: UInt32) { withUnsafeBytes(of: v) { buffer.append(contentsOf: $0) } }
    @inline(__always) private func u64(_ v: UInt64) { withUnsafeBytes(of: v) { buffer.append(contentsOf: $0) } }

    private func option(_ code: UInt16, _ value: [UInt8]) {
        u16(code); u16(UInt16(value.count))
        buffer.append(contentsOf: value)
        while buffer.count % 4 != 0 { buffer.append(0) }
    }

    /// A 64-bit option; timestamps (`split`) are two 32-bit words, high first, as in an EPB.
    private func option64(_ code: UInt16, _ v: UInt64, split: Bool = false) {
        u16(code); u16(8)
        if split { u32(UInt32(truncatingIfNeeded: v >> 32)); u32(UInt32(truncatingIfNeeded: v)) } else { u64(v) }
    }
}
