import CPcap
import CaptureCore
#if canImport(Glibc)
import Glibc
#endif

/// Errors from libpcap (BPF compile, live capture).
public enum PcapError: Error, Equatable, CustomStringConvertible {
    /// The filter expression does not compile for this link type (libpcap's message).
    case invalidFilter(expression: String, linkType: String, message: String)
    /// The interface could not be opened or activated (libpcap's message).
    case cannotOpen(interface: String, message: String)
    /// Reading from an open interface failed.
    case readFailed(interface: String, message: String)

    public var description: String {
        switch self {
        case let .invalidFilter(e, lt, m): "invalid BPF filter '\(e)' for \(lt): \(m)"
        case let .cannotOpen(i, m): "cannot open interface \(i): \(m)"
        case let .readFailed(i, m): "reading \(i) failed: \(m)"
        }
    }
}

/// libpcap's DLT_ number for a LINKTYPE_ number. They are equal except for LINKTYPE_RAW (101),
/// whose DLT_RAW is 12 on Linux (14 on BSD/OS), and which `pcap_open_dead` expects
/// (tcpdump.org linktypes.html, "LINKTYPE_ and DLT_ values").
func dataLinkType(_ linkType: LinkType) -> Int32 {
    switch linkType {
    case .raw: Int32(DLT_RAW)
    case .loop: Int32(DLT_LOOP)
    default: Int32(linkType.rawValue)
    }
}

/// A BPF filter expression compiled by libpcap and applied to packets read from files
/// (`pcap_open_dead` + `pcap_compile` + `pcap_offline_filter`), so `--filter` means exactly what
/// it means to tcpdump. BPF programs depend on the link type (and, for a few primitives, the
/// snaplen), so one program is compiled per (link type, snaplen) on first use and cached.
/// Finding the program for a packet is O(1) whatever the number of link types in play: the last
/// program used is checked first (consecutive packets nearly always share a link type), then a
/// dictionary from (link type, snaplen) to the program's slot. A linear scan made a pcapng with
/// 65,536 interfaces of distinct link types quadratic (issue 7, defect 3).
///
/// Not thread-safe: use one filter per worker.
public final class BPFFilter {
    /// The expression as given.
    public let expression: String
    private struct Program {
        var linkType: UInt16
        var snaplen: Int32
        var program: bpf_program
        var error: PcapError?
    }
    private var programs: [Program] = []
    /// (link type, snaplen) -> index in `programs`.
    private var programIndex: [UInt64: Int] = [:]
    /// Key and index of the program used last (the per-packet fast path).
    private var lastKey: UInt64 = .max
    private var lastIndex = -1
    /// Scratch copy for LINKTYPE_NULL packets whose AF_ value is rewritten (see `matches`).
    private var scratch: [UInt8] = []

    /// Compiles `expression` for Ethernet, raw IP and Linux cooked capture to reject syntax
    /// errors at once; it throws only when none of them accepts it, so an expression meant for
    /// one link type (`ether host`, `sll`...) still works on files of that type.
    /// - Throws: `PcapError.invalidFilter` with libpcap's message for Ethernet (e.g. "syntax error").
    public init(_ expression: String) throws {
        self.expression = expression
        let errors = [LinkType.ethernet, .raw, .linuxSLL].map { compile(linkType: $0, snaplen: 262_144).error }
        if errors.allSatisfy({ $0 != nil }), let first = errors[0] { throw first }
    }

    deinit {
        for i in programs.indices where programs[i].error == nil { pcap_freecode(&programs[i].program) }
    }

    @inline(__always)
    private static func key(_ linkType: UInt16, _ snaplen: Int32) -> UInt64 {
        UInt64(linkType) << 32 | UInt64(UInt32(bitPattern: snaplen))
    }

    /// The index in `programs` of the program for (link type, snaplen), compiled on first use.
    @inline(__always)
    private func programSlot(linkType: LinkType, snaplen: Int32) -> Int {
        let k = BPFFilter.key(linkType.rawValue, snaplen)
        if k == lastKey { return lastIndex }
        let index = programIndex[k] ?? { compile(linkType: linkType, snaplen: snaplen); return programs.count - 1 }()
        lastKey = k
        lastIndex = index
        return index
    }

    @discardableResult
    private func compile(linkType: LinkType, snaplen: Int32) -> Program {
        if let i = programIndex[BPFFilter.key(linkType.rawValue, snaplen)] { return programs[i] }
        var entry = Program(linkType: linkType.rawValue, snaplen: snaplen, program: bpf_program(), error: nil)
        if let dead = pcap_open_dead(dataLinkType(linkType), snaplen) {
            if pcap_compile(dead, &entry.program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
                entry.error = .invalidFilter(expression: expression, linkType: linkType.description,
                                             message: String(cString: pcap_geterr(dead)))
            }
            pcap_close(dead)
        } else {
            entry.error = .invalidFilter(expression: expression, linkType: linkType.description, message: "pcap_open_dead failed")
        }
        programIndex[BPFFilter.key(linkType.rawValue, snaplen)] = programs.count
        programs.append(entry)
        return entry
    }

    /// The compile error for `linkType`, if the expression cannot apply to it (e.g. `ether host`
    /// on LINKTYPE_RAW). Packets of such a link type never match.
    public func error(for linkType: LinkType, snaplen: Int = 262_144) -> PcapError? {
        compile(linkType: linkType, snaplen: Int32(clamping: snaplen)).error
    }

    /// Whether the packet passes the filter. No allocation once the program for this
    /// (link type, snaplen) is compiled.
    /// - Parameter snaplen: the capture's snapshot length in bytes (default 262144, tcpdump's).
    public func matches(_ record: PacketRecord, snaplen: Int = 262_144) -> Bool {
        let index = programSlot(linkType: record.linkType, snaplen: Int32(clamping: snaplen))
        if programs[index].error != nil { return false }
        if record.linkType == .null, record.bytes.count >= 4 { return matchNull(index, record) }
        guard let base = record.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            // An empty packet: give libpcap a valid pointer to zero bytes.
            var zero: UInt8 = 0
            return match(index, record, &zero)
        }
        return match(index, record, base)
    }

    /// LINKTYPE_NULL carries the capturing host's AF_ value in that host's byte order, and
    /// AF_INET6 differs by OS (24 NetBSD/OpenBSD, 28 FreeBSD, 30 Darwin, 10 Linux). libpcap's
    /// gencode tests all three BSD values only when reading a savefile (`rfile != NULL`); a
    /// program compiled on `pcap_open_dead` gets this host's single AF_INET6 and would miss every
    /// BSD/macOS IPv6 packet. So the header is normalised as libpcap's savefile path would see
    /// it: byte order fixed to this host's, any IPv6 AF_ value replaced by this host's AF_INET6.
    private func matchNull(_ index: Int, _ record: PacketRecord) -> Bool {
        var af = record.bytes.uncheckedLittleEndian(UInt32.self, at: 0)
        if af > 0xffff { af = af.byteSwapped }      // written by a host of the other byte order
        if af == 24 || af == 28 || af == 30 { af = UInt32(AF_INET6) }
        let n = record.bytes.count
        if scratch.count < n { scratch = [UInt8](repeating: 0, count: max(n, 65_536)) }
        return scratch.withUnsafeMutableBytes { buffer in
            buffer.copyMemory(from: record.bytes)
            buffer.storeBytes(of: af, toByteOffset: 0, as: UInt32.self)   // host byte order
            return match(index, record, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func match(_ index: Int, _ record: PacketRecord, _ bytes: UnsafePointer<UInt8>) -> Bool {
        var header = pcap_pkthdr()
        header.caplen = bpf_u_int32(clamping: record.capturedLength)
        header.len = bpf_u_int32(clamping: record.originalLength)
        header.ts.tv_sec = Int(record.timestamp / 1_000_000_000)
        header.ts.tv_usec = Int(record.timestamp % 1_000_000_000 / 1000)
        return withUnsafePointer(to: &programs[index].program) { pcap_offline_filter($0, &header, bytes) != 0 }
    }
}
