import CPcap
import CaptureCore
#if canImport(Glibc)
import Glibc
#endif

/// A network interface libpcap can capture on.
public struct LiveInterface: Hashable, Sendable {
    public var name: String
    public var description: String?
    public var isLoopback: Bool
    /// IPv4 and IPv6 addresses as text (`inet_ntop`), IPv6 link-local with its zone.
    public var addresses: [String] = []
    /// At least one IPv6 address is configured.
    public var hasIPv6: Bool { addresses.contains { $0.contains(":") } }
}

/// What a live capture run saw.
public struct LiveCaptureStatistics: Hashable, Sendable {
    /// Packets handed to the callback (after the filter).
    public var packets: Int = 0
    /// Packets the kernel reported received / dropped (`pcap_stats`), when available.
    public var received: UInt32 = 0
    public var dropped: UInt32 = 0
}

/// How to open a live handle.
public struct LiveCaptureOptions: Sendable {
    /// Bytes kept per packet (64...262144).
    public var snaplen = 262_144
    public var promiscuous = false
    /// BPF expression (tcpdump syntax), compiled for the interface's link type and run in the kernel.
    public var filter: String? = nil
    /// Kernel capture buffer in bytes (`pcap_set_buffer_size`); nil keeps libpcap's 2 MiB.
    public var bufferBytes: Int? = nil
    /// Join this `PACKET_FANOUT` group (Linux, packet(7)) in flow-hash mode with IP defragmentation,
    /// so every handle of the group gets a disjoint share and both directions of a flow reach the
    /// same handle. nil: no fan-out.
    public var fanoutGroup: UInt16? = nil
    public init() {}
}

/// Live capture through libpcap that never hangs: the handle is non-blocking and the loop waits
/// in `poll()` with a 100 ms timeout, then drains with `pcap_next_ex` until it returns 0.
/// A blocking `pcap_next_ex` can wait forever on Linux with TPACKET_V3 when no packet arrives
/// (libpcap issue, see pcap-linux.c's comment on the TPACKET_V3 timeout). Needs root or CAP_NET_RAW.
///
/// Timestamps are asked for in nanoseconds (`pcap_set_tstamp_precision`); `timestampResolution`
/// says what libpcap granted (9 or 6, the pcapng `if_tsresol` value).
///
/// On a loopback interface the kernel shows each packet twice to a packet socket: once as it
/// leaves (`PACKET_OUTGOING`) and once as it arrives. libpcap skips the outgoing copy in user
/// space (`linux_check_direction`), but only after the kernel has queued and counted it, so
/// `pcap_stats` reported about twice the packets seen and twice the packets missing, and the
/// duplicates took half the ring. Here the kernel filter on loopback first rejects
/// `PACKET_OUTGOING` (a classic BPF ancillary load of the packet type, `SKF_AD_PKTTYPE`), then runs
/// the user's filter: the kernel counts each packet once.
public final class LiveCaptureSource {
    public let interface: String
    private let handle: OpaquePointer
    /// Link type of the interface (from `pcap_datalink`).
    public let linkType: LinkType
    /// Snapshot length of the handle (`pcap_snapshot`).
    public let snaplen: Int
    /// pcapng `if_tsresol`: 9 for nanoseconds, 6 for microseconds.
    public let timestampResolution: UInt8
    /// The interface is a loopback (outgoing duplicates rejected in the kernel).
    public let isLoopback: Bool
    private var counterAccumulator = PcapCounterAccumulator()
    private var baseline = PcapCounters()

    /// Opens and activates `interface` (pcap_create, immediate mode, non-blocking).
    /// - Throws: `PcapError.cannotOpen` (no such device, no permission), `.invalidFilter`.
    public convenience init(interface: String, snaplen: Int = 262_144, promiscuous: Bool = false, filter: String? = nil) throws {
        var o = LiveCaptureOptions()
        o.snaplen = snaplen; o.promiscuous = promiscuous; o.filter = filter
        try self.init(interface: interface, options: o)
    }

    /// Opens and activates `interface` with `options`: immediate mode, nanosecond timestamps,
    /// the kernel filter (loopback duplicates rejected), fan-out, then non-blocking.
    /// - Throws: `PcapError.cannotOpen` (no such device, no permission, fan-out refused),
    ///   `.invalidFilter`.
    public init(interface: String, options: LiveCaptureOptions) throws {
        self.interface = interface
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let h = pcap_create(interface, &errbuf) else {
            throw PcapError.cannotOpen(interface: interface, message: errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        pcap_set_snaplen(h, Int32(clamping: options.snaplen))
        pcap_set_promisc(h, options.promiscuous ? 1 : 0)
        pcap_set_timeout(h, 100)
        pcap_set_immediate_mode(h, 1)
        if let b = options.bufferBytes { pcap_set_buffer_size(h, Int32(clamping: b)) }
        _ = pcap_set_tstamp_precision(h, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let rc = pcap_activate(h)
        if rc < 0 {
            let message = rc == PCAP_ERROR ? String(cString: pcap_geterr(h)) : String(cString: pcap_statustostr(rc))
            pcap_close(h)
            throw PcapError.cannotOpen(interface: interface, message: message)
        }
        // From here on every stored property is set before a throw, so deinit closes `h`.
        handle = h
        let dlt = UInt16(clamping: pcap_datalink(h))
        linkType = LinkType(rawValue: dlt == UInt16(DLT_RAW) ? 101 : dlt)
        snaplen = Int(pcap_snapshot(h))
        timestampResolution = pcap_get_tstamp_precision(h) == Int32(PCAP_TSTAMP_PRECISION_NANO) ? 9 : 6
        isLoopback = LiveCaptureSource.isLoopbackInterface(interface)
        var program = bpf_program()
        defer { pcap_freecode(&program) }
        if let f = options.filter {
            guard pcap_compile(h, &program, f, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
                let m = String(cString: pcap_geterr(h))
                throw PcapError.invalidFilter(expression: f, linkType: linkType.description, message: m)
            }
            // libpcap attaches the program and empties what the socket queued before it.
            guard pcap_setfilter(h, &program) == 0 else {
                let m = String(cString: pcap_geterr(h))
                throw PcapError.invalidFilter(expression: f, linkType: linkType.description, message: m)
            }
        }
        #if os(Linux)
        if isLoopback {
            try SocketFilter.attachRejectingOutgoing(fd: pcap_fileno(h), userProgram: options.filter == nil ? nil : program,
                                                     snaplen: UInt32(snaplen), interface: interface)
        }
        if let group = options.fanoutGroup {
            try SocketFilter.joinFanout(fd: pcap_fileno(h), group: group, interface: interface)
        }
        #endif
        guard pcap_setnonblock(h, 1, &errbuf) == 0 else {
            throw PcapError.cannotOpen(interface: interface, message: errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
    }

    deinit { pcap_close(handle) }

    /// Throws away every packet queued so far and restarts the counters from here: packets the
    /// socket took before its filter and fan-out group were in place (when every handle saw
    /// everything) are neither analysed nor counted.
    public func discardQueued() {
        var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        while pcap_next_ex(handle, &header, &data) == 1 {}
        baseline = PcapCounters()
        baseline = counters()
    }

    /// libpcap's counters since the handle was opened (or since `discardQueued`), widened to 64 bits.
    public func counters() -> PcapCounters {
        var ps = pcap_stat()
        if pcap_stats(handle, &ps) == 0 { counterAccumulator.update(ps) }
        return counterAccumulator.total.minus(baseline)
    }

    /// The descriptor to poll for packets (`pcap_get_selectable_fd`; -1 when there is none).
    public var selectableDescriptor: Int32 { pcap_get_selectable_fd(handle) }

    /// Waits up to `milliseconds` for packets, or until `wake` (a descriptor, -1 for none) is readable.
    public func wait(milliseconds: Int32, wake: Int32 = -1) {
        let fd = selectableDescriptor
        guard fd >= 0 else { usleep(UInt32(max(1, min(milliseconds, 10))) * 1000); return }
        // A tuple on the stack, not an array: this runs at every wake-up of every worker.
        var fds = (pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0))
        _ = withUnsafeMutableBytes(of: &fds) { raw in
            poll(raw.baseAddress!.assumingMemoryBound(to: pollfd.self), wake >= 0 ? 2 : 1, max(0, milliseconds))
        }
    }

    /// Hands every packet queued now to `body` (at most `limit`), without waiting. The record's
    /// bytes are valid only during the call. Returns how many were delivered and whether `body`
    /// asked to stop.
    /// - Throws: `PcapError.readFailed` if libpcap reports an error.
    @inline(__always)
    public func drain(limit: Int = .max, _ body: (PacketRecord) -> Bool) throws -> (delivered: Int, stopped: Bool) {
        var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        var n = 0
        let nano = timestampResolution == 9
        while n < limit {
            let rc = pcap_next_ex(handle, &header, &data)
            if rc == 1, let h = header, let d = data {
                let sub = Int64(h.pointee.ts.tv_usec)
                let ts = Int64(h.pointee.ts.tv_sec) * 1_000_000_000 + (nano ? sub : sub * 1000)
                let record = PacketRecord(timestamp: ts, capturedLength: Int(h.pointee.caplen), originalLength: Int(h.pointee.len),
                                          linkType: linkType, interfaceIndex: 0, fileOffset: 0,
                                          bytes: UnsafeRawBufferPointer(start: d, count: Int(h.pointee.caplen)))
                n += 1
                if !body(record) { return (n, true) }
            } else if rc == 0 || rc == PCAP_ERROR_BREAK {
                return (n, rc == PCAP_ERROR_BREAK)
            } else {
                throw PcapError.readFailed(interface: interface, message: String(cString: pcap_geterr(handle)))
            }
        }
        return (n, false)
    }

    /// Captures until `duration` seconds have passed or `maxPackets` packets were delivered,
    /// calling `body` for each packet (the record's bytes are valid only during the call).
    /// Returns within about 100 ms of the deadline even when no packet arrives.
    /// - Throws: `PcapError.readFailed` if libpcap reports an error.
    @discardableResult
    public func capture(duration: Double, maxPackets: Int = .max, _ body: (PacketRecord) -> Void) throws -> LiveCaptureStatistics {
        try run(duration: duration, maxPackets: maxPackets) { body($0); return true }
    }

    /// As `capture(duration:maxPackets:_:)`, stopping early when `body` returns false.
    @discardableResult
    public func run(duration: Double, maxPackets: Int = .max, _ body: (PacketRecord) -> Bool) throws -> LiveCaptureStatistics {
        var stats = LiveCaptureStatistics()
        let deadline = LiveCaptureSource.monotonicNanoseconds() + Int64(duration * 1e9)
        while stats.packets < maxPackets {
            let left = deadline - LiveCaptureSource.monotonicNanoseconds()
            if left <= 0 { break }
            wait(milliseconds: Int32(min(100, max(1, left / 1_000_000))))
            let r = try drain(limit: maxPackets - stats.packets, body)
            stats.packets += r.delivered
            if r.stopped { break }
        }
        let c = counters()
        stats.received = UInt32(truncatingIfNeeded: c.received)
        stats.dropped = UInt32(truncatingIfNeeded: c.dropped)
        return stats
    }

    /// Monotonic clock in nanoseconds (CLOCK_MONOTONIC).
    public static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Names libpcap lists that are not network interfaces one would census: the `any`
    /// pseudo-device, netfilter queues, D-Bus, Bluetooth and USB monitors, IFB devices.
    static func isPseudoDevice(_ name: String) -> Bool {
        name == "any" || name.hasPrefix("nflog") || name.hasPrefix("nfqueue") || name.hasPrefix("dbus-")
            || name.hasPrefix("bluetooth") || name.hasPrefix("usbmon") || name.hasPrefix("ifb")
    }

    /// Interfaces available for capture, pseudo devices removed (`pcap_findalldevs`).
    /// - Throws: `PcapError.cannotOpen` with libpcap's message.
    public static func interfaces() throws -> [LiveInterface] {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        var list: UnsafeMutablePointer<pcap_if_t>? = nil
        guard pcap_findalldevs(&list, &errbuf) == 0 else {
            throw PcapError.cannotOpen(interface: "*", message: errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        defer { pcap_freealldevs(list) }
        var out: [LiveInterface] = []
        var p = list
        while let d = p {
            let name = String(cString: d.pointee.name)
            if !isPseudoDevice(name) {
                out.append(LiveInterface(name: name, description: d.pointee.description.map { String(cString: $0) },
                                         isLoopback: d.pointee.flags & UInt32(PCAP_IF_LOOPBACK) != 0,
                                         addresses: addressTexts(d.pointee.addresses, interface: name)))
            }
            p = d.pointee.next
        }
        return out
    }

    /// Whether `name` is a loopback interface: `IFF_LOOPBACK` (0x8) in the flags Linux shows in
    /// /sys/class/net/NAME/flags (read directly: `pcap_findalldevs` takes about half a second,
    /// which delayed the start of every capture). Elsewhere, or when sysfs cannot be read,
    /// libpcap's interface list answers.
    static func isLoopbackInterface(_ name: String) -> Bool {
        #if os(Linux)
        if !name.contains("/") {
            let fd = open("/sys/class/net/\(name)/flags", O_RDONLY)
            if fd >= 0 {
                defer { close(fd) }
                var buffer = [UInt8](repeating: 0, count: 32)
                let n = read(fd, &buffer, buffer.count)
                // "0x1009\n": hexadecimal after "0x".
                if n > 2, buffer[0] == UInt8(ascii: "0"), buffer[1] == UInt8(ascii: "x") {
                    let digits = buffer[2..<n].prefix { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
                    if let flags = UInt64(String(decoding: digits, as: UTF8.self), radix: 16) { return flags & 0x8 != 0 }
                }
            }
        }
        #endif
        return (try? interfaces().first { $0.name == name }?.isLoopback) == true
    }

    /// The IPv4/IPv6 addresses of a `pcap_addr` list as text (other families left out).
    static func addressTexts(_ list: UnsafeMutablePointer<pcap_addr>?, interface: String) -> [String] {
        var out: [String] = []
        var a = list
        while let entry = a {
            defer { a = entry.pointee.next }
            guard let sa = entry.pointee.addr else { continue }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            switch Int32(sa.pointee.sa_family) {
            case AF_INET:
                sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                    var addr = p.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
                }
                out.append(text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
            case AF_INET6:
                var linkLocal = false
                sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                    var addr = p.pointee.sin6_addr
                    linkLocal = p.pointee.sin6_scope_id != 0
                    _ = inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                }
                out.append(text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } + (linkLocal ? "%" + interface : ""))
            default:
                continue
            }
        }
        return out
    }
}
