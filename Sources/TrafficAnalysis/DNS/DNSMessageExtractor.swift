import CaptureCore
import PacketDecoding

/// Finds whole DNS messages in decoded packets: UDP datagrams on the DNS port, fragmented
/// datagrams after `IPFragmentReassembler`, and length-prefixed messages of TCP connections
/// through one `DNSTCPStream` per direction (RFC 7766). Messages found by one call are kept in a
/// reusable buffer until the next call; read them with `forEachMessage`.
///
/// **Port 53 only.** mDNS (UDP 5353, RFC 6762) and LLMNR (UDP 5355, RFC 4795) use the DNS
/// message format but are other protocols: multicast, no server, different matching rules. They
/// are excluded here (counted in `mdnsPackets` / `llmnrPackets`), never paired.
///
/// **Bounds.** TCP directions are kept in a table of at most `maxTCPStreams`; the least
/// recently seen is evicted at the cap, a direction idle for `tcpIdleTimeoutNanoseconds` is
/// finished, and a FIN or RST finishes its direction at once; each is counted. Both use a
/// recency queue, O(1) amortized per segment. Fragments are bounded by the reassembler's own
/// options. Every fragmented datagram is reassembled (its ports are only known once whole).
public struct DNSMessageExtractor: Sendable {
    public struct Options: Sendable, Equatable {
        /// DNS server port (RFC 1035 section 4.2), matched on either side.
        public var dnsPort: UInt16 = 53
        /// TCP directions tracked at once (each holds at most ~128 KiB, see `DNSTCPStream`).
        public var maxTCPStreams: Int = 4096
        /// A TCP direction without segments for this long is finished: 2 minutes. RFC 7766
        /// section 6.2.3 has servers close idle connections after seconds, and clients reuse
        /// them briefly; two minutes is far beyond both, yet frees state from vanished peers.
        public var tcpIdleTimeoutNanoseconds: Int64 = 120_000_000_000
        public var fragments = IPFragmentReassembler.Options()
        public var stream = DNSTCPStream.Options()

        public init() {}
    }

    public struct Counters: Sendable, Equatable {
        /// Messages found over UDP (whole datagrams, reassembled ones included) and over TCP.
        public var udpMessages: Int = 0
        public var tcpMessages: Int = 0
        /// UDP DNS datagrams whose payload the capture cut (snaplen): delivered as captured.
        public var udpCutBySnaplen: Int = 0
        /// Packets on the mDNS / LLMNR ports, excluded.
        public var mdnsPackets: Int = 0
        public var llmnrPackets: Int = 0
        /// TCP directions evicted at the cap, finished after the idle timeout, finished by FIN/RST.
        public var tcpStreamsEvicted: Int = 0
        public var tcpStreamsTimedOut: Int = 0
        public var tcpStreamsClosed: Int = 0
        /// Sum of the counters of every `DNSTCPStream` finished so far (gaps, retransmissions...).
        public var tcp = DNSTCPStream.Counters()

        public init() {}
    }

    struct StreamKey: Hashable {
        var source: IPAddress, destination: IPAddress
        var sourcePort: UInt16, destinationPort: UInt16
    }
    struct StreamEntry {
        var stream: DNSTCPStream
        var lastSeen: Int64
        var family: IPFamily
        /// Matches this direction's latest entry in `recency`.
        var generation: UInt64 = 0
    }

    public var options: Options
    public private(set) var counters = Counters()
    /// The reassembler (its counters say what could not be reassembled).
    public private(set) var reassembler: IPFragmentReassembler
    private var streams: [StreamKey: StreamEntry] = [:]
    /// Directions in order of their last segment (one entry per touch; older entries of a
    /// direction are stale, skipped by generation), so the least recently seen is at the front:
    /// eviction and idle expiry are O(1) amortized, never a scan of the table.
    private var recency: [(key: StreamKey, generation: UInt64)] = []
    private var recencyHead = 0
    private var generation: UInt64 = 0
    private var innerDecoder = PacketDecoder()
    private var inner = DecodedPacket()
    private var datagram: [UInt8] = []
    /// Messages found by the last call: bytes in `arena`, ranges and contexts in `found`.
    var arena: [UInt8] = []
    var found: [(range: Range<Int>, context: DNSMessageContext)] = []

    public init(options: Options = Options()) {
        self.options = options
        reassembler = IPFragmentReassembler(options: options.fragments)
    }

    /// TCP directions currently tracked.
    public var tcpStreamCount: Int { streams.count }

    /// Looks for DNS messages in one packet (`bytes`: the record's captured bytes, `decoded`:
    /// their decoding, `timestamp` in ns, `packetNumber` copied into the contexts). Replaces the
    /// messages of the previous call.
    public mutating func add(packet bytes: UnsafeRawBufferPointer, decoded: DecodedPacket, timestamp: Int64, packetNumber: Int) {
        arena.removeAll(keepingCapacity: true)
        found.removeAll(keepingCapacity: true)
        expireStreams(now: timestamp)
        reassembler.expire(now: timestamp)
        if let fragment = decoded.ipLayers.first(where: { $0.isFragment && !$0.isICMPQuote }) {
            // Only the whole datagram carries a usable message; decode it again as raw IP.
            var whole: [UInt8] = []
            swap(&whole, &datagram)
            whole.removeAll(keepingCapacity: true)
            reassembler.add(packet: bytes, layer: fragment, timestamp: timestamp) { whole.append(contentsOf: $0) }
            if !whole.isEmpty {
                var packet = DecodedPacket()
                swap(&packet, &inner)
                whole.withUnsafeBytes { w in
                    innerDecoder.decode(w, linkType: .raw, originalLength: w.count, into: &packet)
                    take(packet, w, timestamp, packetNumber)
                }
                swap(&packet, &inner)
            }
            swap(&whole, &datagram)
            return
        }
        take(decoded, bytes, timestamp, packetNumber)
    }

    /// Calls `body` for each message found by the last `add`, `expire` or `finish`, in order
    /// (bytes valid only during the call, without TCP length prefix).
    public func forEachMessage(_ body: (UnsafeRawBufferPointer, DNSMessageContext) -> Void) {
        arena.withUnsafeBytes { a in
            for m in found { body(UnsafeRawBufferPointer(rebasing: a[m.range]), m.context) }
        }
    }

    /// Finishes TCP directions idle at `now` and expires fragments (replaces the found messages
    /// with those the finished directions still held, if any).
    public mutating func expire(now: Int64) {
        arena.removeAll(keepingCapacity: true)
        found.removeAll(keepingCapacity: true)
        reassembler.expire(now: now)
        expireStreams(now: now)
    }

    /// Ends the input: every TCP direction is finished and every incomplete datagram counted.
    public mutating func finish() {
        arena.removeAll(keepingCapacity: true)
        found.removeAll(keepingCapacity: true)
        for (key, _) in recency[recencyHead...] where streams[key] != nil { closeStream(key, counting: nil) }
        for key in Array(streams.keys) { closeStream(key, counting: nil) }
        recency.removeAll(); recencyHead = 0
        reassembler.finish()
    }

    // MARK: internals

    private mutating func take(_ packet: DecodedPacket, _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, _ number: Int) {
        guard let t = packet.transport, t.payloadOffset >= 0, t.ipLayerIndex < packet.ipLayers.count else { return }
        let ip = packet.ipLayers[t.ipLayerIndex]
        guard let source = ip.source, let destination = ip.destination else { return }
        if t.protocolNumber == 17 {
            if t.sourcePort == 5353 || t.destinationPort == 5353 { counters.mdnsPackets += 1; return }
            if t.sourcePort == 5355 || t.destinationPort == 5355 { counters.llmnrPackets += 1; return }
        }
        guard t.sourcePort == options.dnsPort || t.destinationPort == options.dnsPort else { return }
        let payload = bytes.clampedSlice(from: t.payloadOffset, length: t.payloadCapturedLength)
        let context = DNSMessageContext(timestamp: timestamp, packetNumber: number, source: source, destination: destination,
                                        sourcePort: t.sourcePort, destinationPort: t.destinationPort,
                                        transport: t.protocolNumber == 6 ? .tcp : .udp, family: ip.family)
        if t.protocolNumber == 17 {
            guard !ip.isFragment else { return }   // a first fragment's payload is partial
            if t.payloadCapturedLength < t.payloadLength { counters.udpCutBySnaplen += 1 }
            record(payload, context)
            counters.udpMessages += 1
            return
        }
        let key = StreamKey(source: source, destination: destination, sourcePort: t.sourcePort, destinationPort: t.destinationPort)
        if streams[key] == nil {
            if streams.count >= options.maxTCPStreams { evictLeastRecent() }
            streams[key] = StreamEntry(stream: DNSTCPStream(options: options.stream), lastSeen: timestamp, family: ip.family)
        }
        guard var entry = streams[key] else { return }
        streams[key] = nil  // keep the stream's buffers uniquely referenced while it works
        var delivered = 0
        var messages: [(range: Range<Int>, context: DNSMessageContext)] = []
        var store: [UInt8] = []
        swap(&messages, &found)
        swap(&store, &arena)
        entry.stream.add(sequence: t.sequenceNumber, syn: t.isSYN || t.isSYNACK, payload: payload) { m in
            let start = store.count
            store.append(contentsOf: m)
            messages.append((start..<store.count, context))
            delivered += 1
        }
        swap(&messages, &found)
        swap(&store, &arena)
        counters.tcpMessages += delivered
        entry.lastSeen = timestamp
        generation &+= 1
        entry.generation = generation
        streams[key] = entry
        recency.append((key, generation))
        compactRecency()
        // RFC 9293: FIN ends this direction's data; RST ends both (the other direction's own
        // FIN/RST or idle timeout finishes it).
        if t.isFIN || t.isRST { closeStream(key, counting: \.tcpStreamsClosed) }
    }

    private mutating func record(_ message: UnsafeRawBufferPointer, _ context: DNSMessageContext) {
        let start = arena.count
        arena.append(contentsOf: message)
        found.append((start..<arena.count, context))
    }

    /// Finishes a direction: messages completed by `finish` are recorded, counters summed.
    private mutating func closeStream(_ key: StreamKey, counting counter: WritableKeyPath<Counters, Int>?) {
        guard var entry = streams.removeValue(forKey: key) else { return }
        if let counter { counters[keyPath: counter] += 1 }
        var messages: [(range: Range<Int>, context: DNSMessageContext)] = []
        var store: [UInt8] = []
        swap(&messages, &found)
        swap(&store, &arena)
        let context = DNSMessageContext(timestamp: entry.lastSeen, packetNumber: 0, source: key.source, destination: key.destination,
                                        sourcePort: key.sourcePort, destinationPort: key.destinationPort, transport: .tcp, family: entry.family)
        var delivered = 0
        entry.stream.finish { m in
            let start = store.count
            store.append(contentsOf: m)
            messages.append((start..<store.count, context))
            delivered += 1
        }
        swap(&messages, &found)
        swap(&store, &arena)
        counters.tcpMessages += delivered
        let c = entry.stream.counters
        counters.tcp.messages += c.messages
        counters.tcp.retransmittedBytes += c.retransmittedBytes
        counters.tcp.outOfOrderSegments += c.outOfOrderSegments
        counters.tcp.gaps += c.gaps
        counters.tcp.messagesLost += c.messagesLost
        counters.tcp.bytesSkipped += c.bytesSkipped
        counters.tcp.resynchronisations += c.resynchronisations
        counters.tcp.emptyMessages += c.emptyMessages
        counters.tcp.incompleteAtFinish += c.incompleteAtFinish
    }

    /// The front of `recency` after dropping stale entries: the least recently seen direction.
    private mutating func leastRecent() -> StreamKey? {
        while recencyHead < recency.count {
            let (key, gen) = recency[recencyHead]
            if let e = streams[key], e.generation == gen { return key }
            recencyHead += 1
        }
        return nil
    }

    private mutating func evictLeastRecent() {
        guard let victim = leastRecent() else { return }
        closeStream(victim, counting: \.tcpStreamsEvicted)
    }

    /// Finishes directions idle for the timeout, least recent first; stops at the first active one.
    private mutating func expireStreams(now: Int64) {
        while let key = leastRecent(), let e = streams[key], now - e.lastSeen >= options.tcpIdleTimeoutNanoseconds {
            closeStream(key, counting: \.tcpStreamsTimedOut)
        }
        compactRecency()
    }

    /// Keeps `recency` within about twice the live directions (amortized O(1) per segment).
    private mutating func compactRecency() {
        let live = recency.count - recencyHead
        guard live > 2 * streams.count + 64 || (recencyHead > 1024 && recencyHead * 2 > recency.count) else { return }
        recency = recency[recencyHead...].filter { streams[$0.key]?.generation == $0.generation }
        recencyHead = 0
    }
}
