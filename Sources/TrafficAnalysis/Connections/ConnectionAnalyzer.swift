import CaptureCore
import PacketDecoding

/// Connections on the innermost 5-tuple, with Zeek `conn.log` semantics: originator, per-side
/// packets and bytes, `conn_state`, history, handshake timing. Also feeds the distinct 5-tuple
/// counts (`AdoptionSummary.flows`).
///
/// - Originator: the sender of the first SYN (without ACK). When the first packet is a SYN-ACK
///   its receiver is the originator; when it is any other packet and exactly one port is below
///   1024, the low-port side is taken as the responder (the server); otherwise the first
///   sender. Records that did not start with the SYN are flagged `startedBeforeCapture`, and
///   history starts with `^` when the direction was flipped (as Zeek marks it).
/// - Handshake timing (RFC 9293 section 3.5): `synToSynAck` is the first SYN to the first
///   SYN-ACK from the responder; `synAckToAck` the SYN-ACK to the first ACK from the
///   originator acknowledging it (ack = SYN-ACK sequence + 1); their sum is the initial RTT as
///   tshark's `tcp.analysis.initial_rtt` reports it.
/// - State is bounded: idle timeouts (`AnalysisOptions`), an optional active timeout, and a cap
///   on live connections (least recently seen of 8 sampled slots is evicted). Every connection
///   that leaves the table is finished (counted by cause and, when records are wanted, emitted).
///   A connection is finished at the first packet past its idle deadline (`IdleDeadlines`), so
///   memory follows live connections even when no packet ever returns for them, and records
///   finish in an order that does not depend on table slots.
/// - Non-first IP fragments have no ports and are not connections (reassembly feeds them in
///   their datagram's first fragment).
public struct ConnectionAnalyzer: PacketAnalyzer {
    /// Bytes per table slot (key + hash + state), for sizing the cap.
    public static var slotStride: Int { OpenTable<FlowKey, LiveConnection>.slotStride }
    /// Bytes per queued idle deadline (`IdleDeadlines`), for sizing the cap.
    public static var deadlineStride: Int { MemoryLayout<IdleDeadlines.Entry>.stride }

    @usableFromInline var table: OpenTable<FlowKey, LiveConnection>
    @usableFromInline let options: AnalysisOptions
    @usableFromInline var nextID: UInt64 = 1
    /// Where `evictOne` samples next (it moves on after each eviction).
    @usableFromInline var evictionCursor = 0
    /// Each live connection's idle deadline.
    @usableFromInline var deadlines = IdleDeadlines()
    @usableFromInline var now: Int64 = 0
    /// Figures so far.
    @usableFromInline var summary = ConnectionSummary()
    @usableFromInline var flows: FlowSet
    /// Packets (both directions) of the connection the last packet belonged to, that packet
    /// included; 0 when the last packet made no connection. Lets a pipeline extension stop
    /// looking at a connection's content after its first packets without a lookup of its own.
    public var currentConnectionPackets: UInt64 = 0
    /// The last packet's connection was marked done by the pipeline extension
    /// (`markCurrentConnectionDoneForExtension`).
    public var currentConnectionExtensionDone = false
    /// The pipeline extension's scratch value of the last packet's connection (zero: none).
    public var currentConnectionExtensionState = ConnectionExtensionState()
    /// Table slot of the last packet's connection (-1: none); valid until the next packet.
    @usableFromInline var currentConnectionSlot = -1
    /// Finished records waiting for the consumer (only when `options.emitConnectionRecords`).
    public var finished: [ConnectionRecord] = []

    public init(options: AnalysisOptions = AnalysisOptions()) {
        self.options = options
        table = OpenTable(capacity: 1 << 12, maxEntries: options.maxConnections)
        flows = FlowSet(exactLimit: options.distinctExactLimit)
    }

    /// Marks the last packet's connection: the pipeline extension needs no more of its packets
    /// (a restart of the 5-tuple begins a connection without the mark).
    @inlinable
    public mutating func markCurrentConnectionDoneForExtension() {
        guard currentConnectionSlot >= 0 else { return }
        table.withValue(at: currentConnectionSlot) { $0.extensionDone = true }
    }

    /// Stores the pipeline extension's scratch value for the last packet's connection (nothing
    /// when that packet made no connection).
    @inlinable
    public mutating func setCurrentConnectionExtensionState(_ s: ConnectionExtensionState) {
        guard currentConnectionSlot >= 0 else { return }
        currentConnectionExtensionState = s
        table.withValue(at: currentConnectionSlot) {
            $0.extensionWord = s.word; $0.extensionWord2 = s.word2; $0.extensionWord3 = s.word3; $0.extensionFlags = s.flags
        }
    }

    /// Live connections right now.
    public var liveCount: Int { table.count }

    /// Figures of the connections finished so far (live ones not included): what a live
    /// monitor reports between intervals without finishing the table.
    public var finishedSummary: ConnectionSummary {
        var s = summary
        tally.fold(into: &s)
        return s
    }
    /// The string-keyed figures of `summary`, tallied per connection and folded in when read.
    var tally = ConnectionSummary.Tally()

    /// Packets and wire bytes of a live connection, both directions; nil when not live.
    public func traffic(of key: FlowKey) -> TrafficCounters? {
        guard let i = table.index(of: key) else { return nil }
        let c = table[index: i]
        return TrafficCounters(packets: c.originator.packets + c.responder.packets, bytes: c.originator.bytes + c.responder.bytes)
    }

    @inlinable
    public mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket) {
        var p = Self.prepare(record, &packet)
        add(prepared: &p)
    }

    /// What `add` needs of a packet: its connection key and the facts of the update, or
    /// `isConnection` false when the packet makes no connection (a flag rather than an
    /// `Optional`: wrapping and unwrapping the ~150-byte value copied it twice per packet).
    @usableFromInline struct Prepared {
        @usableFromInline var isConnection: Bool
        @usableFromInline var key: FlowKey
        @usableFromInline var fromA: Bool
        @usableFromInline var time: Int64
        @usableFromInline var wire: UInt64
        @usableFromInline var payload: UInt64
        @usableFromInline var tcp: TransportLayer?
        @usableFromInline var sourcePort: UInt16
        @usableFromInline var destinationPort: UInt16
        @usableFromInline var outerFamily: IPFamily
        @usableFromInline var tunnelStack: UInt32
        /// The key's table hash when `prefetch` took it.
        @usableFromInline var hash: OpenTable<FlowKey, LiveConnection>.PreHash? = nil
        @inlinable init(key: FlowKey, fromA: Bool, time: Int64, wire: UInt64, payload: UInt64, tcp: TransportLayer?, sourcePort: UInt16,
                        destinationPort: UInt16, outerFamily: IPFamily, tunnelStack: UInt32) {
            self.isConnection = true
            self.key = key; self.fromA = fromA; self.time = time; self.wire = wire; self.payload = payload; self.tcp = tcp
            self.sourcePort = sourcePort; self.destinationPort = destinationPort; self.outerFamily = outerFamily
            self.tunnelStack = tunnelStack
        }

        /// The packet makes no connection (every other field is a placeholder).
        @inlinable static var none: Prepared {
            let zero = IPAddress(v4: 0)
            var p = Prepared(key: FlowKey(source: zero, sourcePort: 0, destination: zero, destinationPort: 0, transportProtocol: 0),
                             fromA: true, time: 0, wire: 0, payload: 0, tcp: nil, sourcePort: 0, destinationPort: 0, outerFamily: .v4,
                             tunnelStack: 0)
            p.isConnection = false
            return p
        }
    }

    /// The packet's connection key and update facts; `.none` when the packet makes no connection.
    /// Reads nothing of the analyzer, so `AnalyzerSet` can compute it first and prefetch the slot.
    /// `packet` is `inout` only to be passed by address (see `PacketAnalyzer.add`): where the
    /// call was not inlined, the packet and its layer array were copied and retained per packet.
    @inlinable @inline(__always)
    static func prepare(_ record: PacketRecord, _ packet: inout DecodedPacket) -> Prepared {
        let layers = packet.ipLayers
        guard !layers.isEmpty else { return .none }
        var innerIndex = layers.count - 1
        while innerIndex > 0 && layers[innerIndex].isICMPQuote { innerIndex -= 1 }
        let inner = layers[innerIndex]
        guard let src = inner.source, let dst = inner.destination, src.family == dst.family,
              !inner.isFragment || inner.isFirstFragment else { return .none }
        var sport: UInt16 = 0, dport: UInt16 = 0
        var tcp: TransportLayer? = nil
        var payload = 0
        if let t = packet.transport, t.ipLayerIndex == innerIndex {
            sport = t.sourcePort; dport = t.destinationPort
            payload = max(0, t.payloadLength)
            if t.protocolNumber == 6 { tcp = t }
        }
        var tunnelStack: UInt32 = 0
        if innerIndex >= 1 {
            var n: UInt32 = 0
            for i in 1...innerIndex {
                if let m = layers[i].tunnel, !layers[i].isICMPQuote, n < 8 {
                    tunnelStack |= UInt32(m.rawValue + 1) << (4 * n); n += 1
                }
            }
        }
        let key = FlowKey(source: src, sourcePort: sport, destination: dst, destinationPort: dport,
                          transportProtocol: inner.upperProtocol)
        // FlowKey puts the smaller (address, port) first: the sender is endpoint A exactly then.
        let fromA = (src.high, src.low, sport) <= (dst.high, dst.low, dport)
        return Prepared(key: key, fromA: fromA, time: record.timestamp, wire: UInt64(record.originalLength), payload: UInt64(payload),
                        tcp: tcp, sourcePort: sport, destinationPort: dport, outerFamily: layers[0].family, tunnelStack: tunnelStack)
    }

    /// Hashes a prepared packet's key and hints the CPU to fetch its table slot; `add(prepared:)`
    /// then uses the hash.
    @inlinable @inline(__always)
    func prefetch(_ p: inout Prepared) {
        let h = table.prehash(p.key)
        table.prefetch(h)
        p.hash = h
    }

    /// `add` once the packet is prepared (`prepare`). `inout` only so the ~150-byte value is
    /// passed by address (by value, the caller copied it to the stack first).
    @inlinable
    mutating func add(prepared p: inout Prepared) {
        currentConnectionPackets = 0
        currentConnectionExtensionDone = false
        currentConnectionExtensionState = ConnectionExtensionState()
        currentConnectionSlot = -1
        guard p.isConnection else { return }
        observe(key: p.key, fromA: p.fromA, time: p.time, wire: p.wire, payload: p.payload, tcp: p.tcp, sourcePort: p.sourcePort,
                destinationPort: p.destinationPort, outerFamily: p.outerFamily, tunnelStack: p.tunnelStack, prehashed: p.hash)
    }

    /// The per-packet step once the key is known (also the entry point for reassembled datagrams).
    @inlinable
    mutating func observe(key: FlowKey, fromA: Bool, time: Int64, wire: UInt64, payload: UInt64, tcp: TransportLayer?,
                          sourcePort: UInt16, destinationPort: UInt16, outerFamily: IPFamily, tunnelStack: UInt32,
                          prehashed: OpenTable<FlowKey, LiveConnection>.PreHash? = nil) {
        if time > now { now = time }
        if deadlines.next < time { expireIdle(at: time) }   // one comparison per packet, else
        if table.count >= options.maxConnections, table.index(of: key) == nil { evictOne() }
        let id = nextID
        let (i, inserted) = table.findOrInsert(key, prehashed: prehashed) {
            Self.opening(key: key, fromA: fromA, time: time, tcp: tcp, sourcePort: sourcePort, destinationPort: destinationPort,
                         outerFamily: outerFamily, tunnelStack: tunnelStack, id: id)
        }
        if inserted {
            nextID &+= 1
            if options.countFlowFigures { flows.insert(key) }
            queueDeadline(key: key, id: id, last: time)
        } else {
            // Fields are read in place: copying the ~200-byte value out cost more than the update.
            let idle = idleTimeout(key)
            var restart: ConnectionEnd? = nil
            if elapsed(table[index: i].last, time) > idle { restart = .idleTimeout }
            else if let a = options.activeTimeout, elapsed(table[index: i].first, time) > a { restart = .activeTimeout }
            else if let t = tcp, t.isSYN, fromA == table[index: i].originatorIsA, table[index: i].isClosed { restart = .reused }
            if let why = restart {
                let c = table[index: i]
                finish(key: key, c, why)
                table[index: i] = Self.opening(key: key, fromA: fromA, time: time, tcp: tcp, sourcePort: sourcePort,
                                               destinationPort: destinationPort, outerFamily: outerFamily, tunnelStack: tunnelStack,
                                               id: nextID)
                queueDeadline(key: key, id: nextID, last: time)
                nextID &+= 1
            }
        }
        (currentConnectionPackets, currentConnectionExtensionDone, currentConnectionExtensionState) = table.withValue(at: i) { c in
            c.update(time: time, isOriginator: fromA == c.originatorIsA, wire: wire, payload: payload, tcp: tcp)
            return (c.originator.packets &+ c.responder.packets, c.extensionDone,
                    c.extensionState)
        }
        currentConnectionSlot = i
    }

    @inlinable
    static func opening(key: FlowKey, fromA: Bool, time: Int64, tcp: TransportLayer?, sourcePort: UInt16, destinationPort: UInt16,
                        outerFamily: IPFamily, tunnelStack: UInt32, id: UInt64) -> LiveConnection {
        var senderIsOriginator = true
        var startedBefore = false
        if let t = tcp {
            if t.isSYN { senderIsOriginator = true }
            else {
                startedBefore = true
                if t.isSYNACK { senderIsOriginator = false }
                else if sourcePort < 1024 && destinationPort >= 1024 { senderIsOriginator = false }
            }
        } else if sourcePort < 1024 && destinationPort >= 1024 && key.transportProtocol == 17 {
            senderIsOriginator = false
        }
        return LiveConnection(id: 0, time: time, originatorIsA: senderIsOriginator ? fromA : !fromA, outerFamily: outerFamily,
                              tunnelStack: tunnelStack, startedBeforeCapture: startedBefore, flipped: !senderIsOriginator)
            .numbered(id)
    }

    /// Idle timeout of a key's protocol (ns).
    @inlinable @inline(__always)
    func idleTimeout(_ key: FlowKey) -> Int64 { key.transportProtocol == 6 ? options.tcpIdleTimeout : options.otherIdleTimeout }

    /// Queues the idle deadline of connection `id` whose last packet was at `last`.
    @inlinable
    mutating func queueDeadline(key: FlowKey, id: UInt64, last: Int64) {
        deadlines.insert(time: IdleDeadlines.deadline(last: last, timeout: idleTimeout(key)), id: id, key: key)
        if deadlines.needsRebuild(live: table.count) { rebuildDeadlines() }
    }

    /// Finishes every connection idle at `time`, the current packet's time, in deadline order.
    ///
    /// Why the packet's time and not the latest time seen: when timestamps go backwards (files
    /// mixing clocks), a connection finished at a later-stamped packet could be continued by an
    /// earlier-stamped one. With the packet's time, a finished connection is one whose next
    /// packet, arriving at or after this one in time, would have restarted it anyway (the end of
    /// capture classifies the rest against the latest time, see `finishAll`).
    @usableFromInline @inline(never)
    mutating func expireIdle(at time: Int64) {
        while let due = deadlines.due(at: time) {
            // Gone (finished otherwise, or restarted under a new id): nothing to do.
            guard let i = table.index(of: due.key), table[index: i].id == due.id else { deadlines.removeDue(); continue }
            let deadline = IdleDeadlines.deadline(last: table[index: i].last, timeout: idleTimeout(due.key))
            if deadline < time {
                deadlines.removeDue()
                let (key, value) = table.remove(at: i)
                finish(key: key, value, .idleTimeout)
            } else {
                // Packets came since it was queued: wait for the new deadline.
                deadlines.requeueDue(time: deadline)
            }
        }
    }

    /// One deadline per live connection, from the table (drops those of departed connections).
    @usableFromInline
    mutating func rebuildDeadlines() {
        var entries: [IdleDeadlines.Entry] = []
        entries.reserveCapacity(table.count)
        for i in 0..<table.capacity where table.isOccupied(i) {
            let key = table.key(at: i), c = table[index: i]
            entries.append(IdleDeadlines.Entry(time: IdleDeadlines.deadline(last: c.last, timeout: idleTimeout(key)), id: c.id, key: key))
        }
        deadlines.rebuild(entries)
    }

    /// Evicts the least recently seen of up to 8 entries after the eviction cursor.
    @usableFromInline
    mutating func evictOne() {
        guard let (slot, next) = table.leastRecent(from: evictionCursor, by: { $0.last }) else { return }
        evictionCursor = next
        let (key, value) = table.remove(at: slot)
        finish(key: key, value, .evicted)
    }

    /// Counts a connection leaving the table and, if wanted, emits its record.
    @usableFromInline
    mutating func finish(key: FlowKey, _ c: LiveConnection, _ end: ConnectionEnd) {
        let state = c.state(transportProtocol: key.transportProtocol)
        if options.countFlowFigures { summary.count(c, key: key, state: state, end: end, tally: &tally) }
        guard options.emitConnectionRecords else { return }
        finished.append(c.record(key: key, state: state, end: end))
    }

    public mutating func finish(into s: inout AdoptionSummary) {
        finishAll()
        if options.countFlowFigures {
            s.connections.merge(finishedSummary)
            s.flows.merge(flows)
        }
        summary = ConnectionSummary()
        tally = ConnectionSummary.Tally()
    }

    /// Finishes every live connection (end of capture) without writing a summary: for a log
    /// consumer that wants the last records.
    public mutating func flush() { finishAll() }

    /// Finishes every live connection in start order (so a log of a whole file is
    /// deterministic); sorts (id, slot) pairs rather than whole connections.
    @usableFromInline mutating func finishAll() {
        var order: [(id: UInt64, slot: Int)] = []
        order.reserveCapacity(table.count)
        for i in 0..<table.capacity where table.isOccupied(i) { order.append((table[index: i].id, i)) }
        order.sort { $0.id < $1.id }
        if options.emitConnectionRecords { finished.reserveCapacity(finished.count + order.count) }  // one allocation, not ~log2(n) regrowths
        for (_, i) in order {
            let c = table[index: i]
            let key = table.key(at: i)
            // Idle at the latest time seen: the same cause its deadline would have given it at
            // a later packet.
            finish(key: key, c, elapsed(c.last, now) > idleTimeout(key) ? .idleTimeout : .endOfCapture)
        }
        table.removeAll()
        deadlines.removeAll()
    }
}

/// `to - from` in nanoseconds, saturating instead of trapping (hostile files hold timestamps
/// near Int64's limits).
@inlinable @inline(__always)
func elapsed(_ from: Int64, _ to: Int64) -> Int64 {
    let (d, overflow) = to.subtractingReportingOverflow(from)
    return overflow ? (to > from ? Int64.max : Int64.min) : d
}

extension LiveConnection {
    @inlinable func numbered(_ id: UInt64) -> LiveConnection { var c = self; c.id = id; return c }

    /// The connection was closed: FIN from both sides, or a RST from either.
    @inlinable var isClosed: Bool {
        (saw(.fin, originator: true) && saw(.fin, originator: false)) || saw(.rst, originator: true) || saw(.rst, originator: false)
    }

    /// Counts one packet and its TCP events.
    @inlinable @inline(__always)
    mutating func update(time: Int64, isOriginator: Bool, wire: UInt64, payload: UInt64, tcp: TransportLayer?) {
        if time > last { last = time }
        if time < first { first = time }
        if isOriginator {
            originator.packets &+= 1; originator.bytes &+= wire; originatorPayload &+= payload
        } else {
            responder.packets &+= 1; responder.bytes &+= wire; responderPayload &+= payload
        }
        guard let t = tcp else { return }
        let flags = t.tcpFlags
        let syn = flags & 0x02 != 0, ackFlag = flags & 0x10 != 0, rst = flags & 0x04 != 0, fin = flags & 0x01 != 0
        if syn && !ackFlag {
            if isOriginator {
                if synTime == LiveConnection.unseen { synTime = time } else { synRetransmissions &+= 1 }
            }
            lastSynTime = time
            note(.syn, originator: isOriginator)
        } else if syn {
            if !isOriginator && synAckTime == LiveConnection.unseen && synTime != LiveConnection.unseen {
                synAckTime = time; synAckSequence = t.sequenceNumber
                answeredSynTime = lastSynTime
            }
            note(.synAck, originator: isOriginator)
        } else if ackFlag {
            // tshark's initial RTT: the first ACK-bearing, non-SYN segment after a SYN, whoever
            // sent it (a RST-ACK rejecting the SYN included), minus the most recent SYN.
            if tsharkInitialRTT == LiveConnection.unseen && lastSynTime != LiveConnection.unseen {
                tsharkInitialRTT = elapsed(lastSynTime, time)
            }
            if !rst && isOriginator && ackTime == LiveConnection.unseen && synAckTime != LiveConnection.unseen
                && t.acknowledgmentNumber == synAckSequence &+ 1 { ackTime = time }
            if payload == 0 && !fin && !rst { note(.ack, originator: isOriginator) }
        }
        if payload > 0 { note(.data, originator: isOriginator) }
        if fin { note(.fin, originator: isOriginator) }
        if rst {
            if !saw(.rst, originator: true) && !saw(.rst, originator: false) { originatorResetFirst = isOriginator }
            note(.rst, originator: isOriginator)
        }
    }

    /// The handshake's SYN -> SYN-ACK time: from the most recent SYN before the SYN-ACK (the
    /// one it most likely answers when the SYN was retransmitted), nanoseconds.
    @inlinable var synToSynAck: Int64? {
        answeredSynTime != LiveConnection.unseen && synAckTime != LiveConnection.unseen ? elapsed(answeredSynTime, synAckTime) : nil
    }
    /// SYN-ACK -> the originator's ACK of it (ack = SYN-ACK sequence + 1), nanoseconds.
    @inlinable var synAckToAck: Int64? {
        synAckTime != LiveConnection.unseen && ackTime != LiveConnection.unseen ? elapsed(synAckTime, ackTime) : nil
    }

    func record(key: FlowKey, state: ConnState, end: ConnectionEnd) -> ConnectionRecord {
        let a = key.addressA, b = key.addressB
        return ConnectionRecord(
            id: id, firstTimestamp: first, lastTimestamp: last,
            originator: originatorIsA ? a : b, originatorPort: originatorIsA ? key.aPort : key.bPort,
            responder: originatorIsA ? b : a, responderPort: originatorIsA ? key.bPort : key.aPort,
            transportProtocol: key.transportProtocol, family: key.family, outerFamily: outerFamily, tunnelStack: tunnelStack,
            originatorTraffic: originator, responderTraffic: responder,
            originatorPayloadBytes: originatorPayload, responderPayloadBytes: responderPayload,
            state: state, historyCodes: historyCodes, synRetransmissions: Int(synRetransmissions),
            synToSynAck: synToSynAck, synAckToAck: synAckToAck,
            initialRTT: tsharkInitialRTT == LiveConnection.unseen ? nil : tsharkInitialRTT,
            startedBeforeCapture: startedBeforeCapture, end: end, extensionState: extensionState)
    }
}
