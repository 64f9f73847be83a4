/// Bounds and timeouts of the analyzers' state (DESIGN practice 14: memory follows live
/// connections, not the file).
///
/// Timeouts follow Zeek's defaults (`tcp_inactivity_timeout` 5 min, `udp_inactivity_timeout`
/// and `icmp_inactivity_timeout` 1 min) and are measured in capture time (packet timestamps),
/// so a file gives the same records however fast it is read.
public struct AnalysisOptions: Sendable, Equatable {
    /// A TCP connection with no packet for this long is finished (ns).
    public var tcpIdleTimeout: Int64 = 300_000_000_000
    /// A UDP, ICMP or other connection with no packet for this long is finished (ns).
    public var otherIdleTimeout: Int64 = 60_000_000_000
    /// A connection older than this is finished and a new record started (ns); nil = never,
    /// as in Zeek (NetFlow exporters use 30 min).
    public var activeTimeout: Int64? = nil
    /// Live connections kept at once; beyond, the least recently seen of a sample of 8 is
    /// finished (`evicted`). The default keeps the connection table near 1 GiB.
    public var maxConnections: Int = AnalysisOptions.defaultMaxConnections
    /// Live host entries kept at once (per-address counters); beyond, the least recently seen
    /// of a sample is dropped from the table (its address stays counted in the distinct sets).
    public var maxHosts: Int = 1 << 21
    /// Distinct addresses and 5-tuples kept exactly before switching to HyperLogLog sketches.
    public var distinctExactLimit: Int = 1 << 20
    /// Keep finished connection records for a consumer (`capture conns`); off for summaries.
    public var emitConnectionRecords = false
    /// Keep finished DNS transactions for a consumer (`capture dns`); off for summaries.
    public var emitDNSRecords = false
    /// Count the connection and DNS-transaction figures of the summary (outcomes, handshake and
    /// response times, names, distinct 5-tuples). Off for a run that prints only records or the
    /// transition document and writes no state (`capture conns`, `capture dns`, `capture
    /// analyze` without `--state-out`): those figures stay empty, the records are the same.
    public var countFlowFigures = true

    /// About 1 GiB of connection state: the table keeps at most twice as many slots as live
    /// entries (an entry is key + state), and the idle-deadline queue at most about two entries
    /// per live connection (`IdleDeadlines`).
    public static var defaultMaxConnections: Int {
        (1 << 30) / (2 * ConnectionAnalyzer.slotStride + 2 * ConnectionAnalyzer.deadlineStride)
    }

    public init() {}
}
