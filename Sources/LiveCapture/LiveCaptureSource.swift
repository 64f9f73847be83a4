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
}

/// What a live capture run saw.
public struct LiveCaptureStatistics: Hashable, Sendable {
    /// Packets handed to the callback (after the filter).
    public var packets: Int = 0
    /// Packets the kernel reported received / dropped (`pcap_stats`), when available.
    public var received: UInt32 = 0
    public var dropped: UInt32 = 0
}

/// Live capture through libpcap that never hangs: the handle is non-blocking and the loop waits
/// in `poll()` with a 100 ms timeout, then drains with `pcap_next_ex` until it returns 0.
/// A blocking `pcap_next_ex` can wait forever on Linux with TPACKET_V3 when no packet arrives
/// (SWIFT-NOTES.md gotcha 2). Needs root or CAP_NET_RAW.
public final class LiveCaptureSource {
    public let interface: String
    private let handle: OpaquePointer
    /// Link type of the interface (from `pcap_datalink`).
    public let linkType: LinkType

    /// Opens and activates `interface` (pcap_create, immediate mode, non-blocking).
    /// - Parameters:
    ///   - snaplen: bytes kept per packet.
    ///   - promiscuous: put the interface in promiscuous mode.
    ///   - filter: optional BPF expression, compiled for the interface's link type.
    /// - Throws: `PcapError.cannotOpen` (no such device, no permission), `.invalidFilter`.
    public init(interface: String, snaplen: Int = 262_144, promiscuous: Bool = false, filter: String? = nil) throws {
        self.interface = interface
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let h = pcap_create(interface, &errbuf) else {
            throw PcapError.cannotOpen(interface: interface, message: errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        pcap_set_snaplen(h, Int32(clamping: snaplen))
        pcap_set_promisc(h, promiscuous ? 1 : 0)
        pcap_set_timeout(h, 100)
        pcap_set_immediate_mode(h, 1)
        let rc = pcap_activate(h)
        if rc < 0 {
            let message = rc == PCAP_ERROR ? String(cString: pcap_geterr(h)) : String(cString: pcap_statustostr(rc))
            pcap_close(h)
            throw PcapError.cannotOpen(interface: interface, message: message)
        }
        // From here on every stored property is set, so a throw runs deinit, which closes `h`.
        handle = h
        let dlt = UInt16(clamping: pcap_datalink(h))
        linkType = LinkType(rawValue: dlt == UInt16(DLT_RAW) ? 101 : dlt)
        if let f = filter {
            var program = bpf_program()
            guard pcap_compile(h, &program, f, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
                let m = String(cString: pcap_geterr(h))  // deinit closes the handle
                throw PcapError.invalidFilter(expression: f, linkType: linkType.description, message: m)
            }
            defer { pcap_freecode(&program) }
            guard pcap_setfilter(h, &program) == 0 else {
                let m = String(cString: pcap_geterr(h))  // deinit closes the handle
                throw PcapError.invalidFilter(expression: f, linkType: linkType.description, message: m)
            }
        }
        guard pcap_setnonblock(h, 1, &errbuf) == 0 else {
            throw PcapError.cannotOpen(interface: interface, message: errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
    }

    deinit { pcap_close(handle) }

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
        let fd = pcap_get_selectable_fd(handle)
        let deadline = LiveCaptureSource.monotonicNanoseconds() + Int64(duration * 1e9)
        var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        loop: while stats.packets < maxPackets {
            let left = deadline - LiveCaptureSource.monotonicNanoseconds()
            if left <= 0 { break }
            if fd >= 0 {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&pfd, 1, Int32(min(100, max(1, left / 1_000_000))))
            } else {
                usleep(10_000)
            }
            while stats.packets < maxPackets {
                let rc = pcap_next_ex(handle, &header, &data)
                if rc == 1, let h = header, let d = data {
                    let ts = Int64(h.pointee.ts.tv_sec) * 1_000_000_000 + Int64(h.pointee.ts.tv_usec) * 1000
                    let record = PacketRecord(timestamp: ts, capturedLength: Int(h.pointee.caplen), originalLength: Int(h.pointee.len),
                                              linkType: linkType, interfaceIndex: 0, fileOffset: 0,
                                              bytes: UnsafeRawBufferPointer(start: d, count: Int(h.pointee.caplen)))
                    stats.packets += 1
                    if !body(record) { break loop }
                } else if rc == 0 {
                    break
                } else if rc == PCAP_ERROR_BREAK {
                    break loop
                } else {
                    throw PcapError.readFailed(interface: interface, message: String(cString: pcap_geterr(handle)))
                }
            }
        }
        var ps = pcap_stat()
        if pcap_stats(handle, &ps) == 0 { stats.received = ps.ps_recv; stats.dropped = ps.ps_drop }
        return stats
    }

    static func monotonicNanoseconds() -> Int64 {
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
                                            isLoopback: d.pointee.flags & UInt32(PCAP_IF_LOOPBACK) != 0))
            }
            p = d.pointee.next
        }
        return out
    }
}
