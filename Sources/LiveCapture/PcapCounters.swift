import CPcap

/// libpcap's capture counters for one handle (`pcap_stats`), widened to 64 bits.
///
/// On Linux (libpcap 1.10, `pcap-linux.c`): `received` is the kernel's `tp_packets`, which counts
/// every packet that passed the socket's BPF filter *including* those then dropped for want of
/// room in the ring (the kernel adds `tp_drops` into `tp_packets` when it is read); `dropped` is
/// `tp_drops`, packets the kernel could not queue to this socket; `interfaceDropped` is the
/// interface's own `rx_dropped` since the handle was opened (`/sys/class/net/IF/statistics`),
/// which is interface-wide, not per socket. So packets handed to the program = received -
/// dropped. libpcap keeps 32-bit counters that wrap; `PcapCounterAccumulator` widens them by
/// adding each read's difference modulo 2^32 (read at least every few seconds, so a wrap is
/// never missed below ~700 million packets/s).
public struct PcapCounters: Hashable, Sendable, Codable {
    /// Packets that passed the kernel filter (delivered or dropped).
    public var received: UInt64 = 0
    /// Packets the kernel dropped because the capture buffer was full.
    public var dropped: UInt64 = 0
    /// Packets the interface (driver) dropped: interface-wide, the same for every handle on it.
    public var interfaceDropped: UInt64 = 0

    public init(received: UInt64 = 0, dropped: UInt64 = 0, interfaceDropped: UInt64 = 0) {
        self.received = received; self.dropped = dropped; self.interfaceDropped = interfaceDropped
    }

    /// `self - o`, field by field, never below zero.
    public func minus(_ o: PcapCounters) -> PcapCounters {
        PcapCounters(received: received &- min(received, o.received), dropped: dropped &- min(dropped, o.dropped),
                     interfaceDropped: interfaceDropped &- min(interfaceDropped, o.interfaceDropped))
    }

    /// Merges the counters of another handle on the same interface: received and dropped add
    /// (each socket has its own ring); the interface's drops are the interface's, so the
    /// larger reading is kept rather than counting them once per handle.
    public mutating func merge(_ o: PcapCounters) {
        received += o.received; dropped += o.dropped; interfaceDropped = max(interfaceDropped, o.interfaceDropped)
    }

    /// Dropped by the kernel as a share of received, 0...1 (0 when nothing was received).
    public var dropShare: Double { received == 0 ? 0 : Double(dropped) / Double(received) }
}

/// Widens libpcap's wrapping 32-bit `pcap_stat` fields into `PcapCounters`.
struct PcapCounterAccumulator {
    private var last = pcap_stat()
    private(set) var total = PcapCounters()

    mutating func update(_ s: pcap_stat) {
        total.received &+= UInt64(s.ps_recv &- last.ps_recv)
        total.dropped &+= UInt64(s.ps_drop &- last.ps_drop)
        total.interfaceDropped &+= UInt64(s.ps_ifdrop &- last.ps_ifdrop)
        last = s
    }
}
