import CaptureCore
import PacketDecoding

/// Pairs DNS queries with responses and streams one `DNSTransaction` per query (or per
/// response without query) as soon as it is finished: the DNS analyzer's core, Zeek `dns.log`
/// style, with TShark's response-time definition.
///
/// **Key.** (client address, client port, server address, server port, transport, transaction
/// ID, first question name + type + class). A response matches when its destination/source are
/// the query's source/destination and its first question equals the query's (RFC 5452
/// section 9.1: a resolver accepts a response only if ID *and* question match). TShark pairs by
/// conversation and ID alone; a response whose question differs (or that has none) is a
/// `responseWithoutQuery` here, and leaves its query unanswered.
///
/// **Response time** = response timestamp - timestamp of the first query of the transaction,
/// TShark's `dns.time`. **Duplicate queries**: as TShark does (preference
/// `dns.retransmission_timer`, 5 s), a query with the same key while the earlier one is still
/// unanswered and less than `retransmissionWindowNanoseconds` after its first copy is a
/// retransmission: counted in `queryRetransmissions`, the clock keeps running from the first
/// copy. Later than that, the earlier query is finished as `unanswered` (superseded) and a new
/// transaction starts, so a response pairs with the latest query, as in TShark. A second
/// response to an answered query is counted in `duplicateResponses` (the transaction was already
/// emitted); its key is remembered until the first query's timeout.
///
/// **Bounds.** Pending queries are capped (`maxPending`); at the cap the oldest is emitted as
/// `evicted`. A query unanswered `responseTimeoutNanoseconds` after its first copy is emitted as
/// `unanswered`. Time is packet time; every message first expires what is due. Work per message
/// is O(1) amortized (a FIFO of keys in query order with lazy deletion).
public struct DNSTransactionTracker: Sendable {
    public struct Options: Sendable, Equatable {
        /// After this, an unanswered query is emitted as `unanswered`: 10 s, twice the 5 s per-try
        /// timeout of the common stub resolvers (glibc `RES_TIMEOUT`, resolv.conf `timeout:5`),
        /// by when the client has retried or given up, yet long enough for slow recursive
        /// lookups. A response later than this is a `responseWithoutQuery`.
        public var responseTimeoutNanoseconds: Int64 = 10_000_000_000
        /// Copies of a query within this time of the first are retransmissions: 5 s, TShark's
        /// `dns.retransmission_timer` default, so pairing follows TShark's.
        public var retransmissionWindowNanoseconds: Int64 = 5_000_000_000
        /// Pending queries (and remembered answered keys) at once. 65,536 pending queries is a
        /// busy resolver's seconds of traffic and ~30 MiB of state at ~400 bytes per entry.
        public var maxPending: Int = 65_536
        public var parse = DNSParseOptions()
        public var extraction = DNSMessageExtractor.Options()

        public init() {}
    }

    public struct Counters: Sendable, Equatable {
        /// Messages parsed: queries and responses.
        public var queries: Int = 0
        public var responses: Int = 0
        /// Transactions emitted by status (unanswered split by cause below).
        public var answered: Int = 0
        public var unanswered: Int = 0
        public var responsesWithoutQuery: Int = 0
        public var evicted: Int = 0
        /// Unanswered because the timeout passed / a later copy superseded it / input ended.
        public var unansweredTimedOut: Int = 0
        public var unansweredSuperseded: Int = 0
        public var unansweredAtFinish: Int = 0
        /// Query copies within the retransmission window; responses to an answered query.
        public var queryRetransmissions: Int = 0
        public var duplicateResponses: Int = 0
        /// Messages not paired: no DNS header (shorter than 12 bytes), or no question read.
        public var malformed: Int = 0
        public var withoutQuestion: Int = 0

        public init() {}
    }

    struct Key: Hashable {
        var client: IPAddress, server: IPAddress
        var clientPort: UInt16, serverPort: UInt16
        var transport: DNSTransport
        var id: UInt16
        var qname: String
        var qtype: UInt16, qclass: UInt16
        /// Every field above through the process-seeded `Hasher` (SipHash), computed once when
        /// the key is made: the table hashes a key several times in its life (lookup, insert,
        /// lookup by the response, removal), and hashing the name each time cost more than the
        /// rest of tracking. A function of the other fields, so equality is unchanged.
        let digest: Int

        init(client: IPAddress, server: IPAddress, clientPort: UInt16, serverPort: UInt16, transport: DNSTransport, id: UInt16,
             qname: String, qtype: UInt16, qclass: UInt16) {
            self.client = client; self.server = server; self.clientPort = clientPort; self.serverPort = serverPort
            self.transport = transport; self.id = id; self.qname = qname; self.qtype = qtype; self.qclass = qclass
            // Fixed-size fields packed into six words (the synthesized hash fed eleven), then the name.
            var h = Hasher()
            h.combine(client.high); h.combine(client.low); h.combine(server.high); h.combine(server.low)
            h.combine(UInt64(clientPort) << 48 | UInt64(serverPort) << 32 | UInt64(id) << 16 | UInt64(qtype))
            h.combine(UInt64(qclass) << 24 | UInt64(client.family.rawValue) << 16 | UInt64(server.family.rawValue) << 8
                      | UInt64(transport.rawValue))
            h.combine(qname)
            digest = h.finalize()
        }

        func hash(into h: inout Hasher) { h.combine(digest) }

        static func == (a: Key, b: Key) -> Bool {
            a.digest == b.digest && a.id == b.id && a.qtype == b.qtype && a.clientPort == b.clientPort && a.serverPort == b.serverPort
                && a.client == b.client && a.server == b.server && a.transport == b.transport && a.qclass == b.qclass
                && a.qname == b.qname
        }
    }
    struct Entry {
        /// The pending transaction; nil once answered (the key is then remembered only to count
        /// duplicate responses).
        var transaction: DNSTransaction?
        var firstQuery: Int64
        var deadline: Int64
        var generation: UInt64
    }

    public var options: Options
    public private(set) var counters = Counters()
    /// The extractor feeding `add(packet:...)` (its counters cover fragments, TCP, mDNS/LLMNR).
    public private(set) var extractor: DNSMessageExtractor
    private var parser: DNSMessageParser
    private var message = DNSMessage()
    private var table: [Key: Entry] = [:]
    /// Keys in the order their entries were created; stale ones (generation changed or
    /// removed) are skipped. Deadlines along it are non-decreasing for time-ordered input.
    private var order: [(key: Key, generation: UInt64, deadline: Int64)] = []
    /// Deadlines along `order` are non-decreasing (time-ordered input): `expire` can then stop
    /// at the head's deadline without looking the key up.
    private var orderSorted = true
    private var orderHead = 0
    private var generation: UInt64 = 0
    private var scratchArena: [UInt8] = []
    private var scratchFound: [(range: Range<Int>, context: DNSMessageContext)] = []

    public init(options: Options = Options()) {
        self.options = options
        parser = DNSMessageParser(options: options.parse)
        extractor = DNSMessageExtractor(options: options.extraction)
    }

    /// Pending queries plus remembered answered keys.
    public var entriesInFlight: Int { table.count }

    /// One decoded packet (any packet: non-DNS ones advance the clock, so timed-out queries are
    /// emitted promptly; O(1) amortized): finds its DNS messages (UDP, reassembled fragments,
    /// TCP streams, port 53) and tracks each. `emit` receives every transaction finished meanwhile.
    public mutating func add(packet bytes: UnsafeRawBufferPointer, decoded: DecodedPacket, timestamp: Int64,
                             packetNumber: Int, emit: (DNSTransaction) -> Void) {
        expire(now: timestamp, emit: emit)
        extractor.add(packet: bytes, decoded: decoded, timestamp: timestamp, packetNumber: packetNumber)
        drainExtractor(emit)
    }

    /// One DNS message (no TCP length prefix) seen in `context`.
    public mutating func add(message bytes: UnsafeRawBufferPointer, context: DNSMessageContext,
                             emit: (DNSTransaction) -> Void) {
        expire(now: context.timestamp, emit: emit)
        if parser.parse(bytes, into: &message)?.reason == .truncatedHeader { counters.malformed += 1; return }
        guard let question = message.questions.first else { counters.withoutQuestion += 1; return }
        if message.isResponse {
            counters.responses += 1
            let key = Key(client: context.destination, server: context.source, clientPort: context.destinationPort,
                          serverPort: context.sourcePort, transport: context.transport, id: message.id,
                          qname: question.name, qtype: question.type, qclass: question.qclass)
            // One hash of the key: the entry is found by index and changed in place.
            guard let index = table.index(forKey: key) else {
                var t = DNSTransaction(client: key.client, clientPort: key.clientPort, server: key.server, serverPort: key.serverPort,
                                       transport: key.transport, family: context.family, id: key.id, qname: key.qname,
                                       qtype: key.qtype, qclass: key.qclass, status: .responseWithoutQuery)
                fillResponse(&t, context)
                counters.responsesWithoutQuery += 1
                emit(t)
                return
            }
            guard var t = table.values[index].transaction.take() else { counters.duplicateResponses += 1; return }
            fillResponse(&t, context)
            t.status = .answered
            counters.answered += 1
            emit(t)
            return
        }

        counters.queries += 1
        let key = Key(client: context.source, server: context.destination, clientPort: context.sourcePort,
                      serverPort: context.destinationPort, transport: context.transport, id: message.id,
                      qname: question.name, qtype: question.type, qclass: question.qclass)
        if let index = table.index(forKey: key) {
            if table.values[index].transaction != nil {
                if context.timestamp - table.values[index].firstQuery < options.retransmissionWindowNanoseconds {
                    table.values[index].transaction!.queryRetransmissions += 1
                    counters.queryRetransmissions += 1
                    return
                }
                finishUnanswered(table.values[index], cause: \.unansweredSuperseded, emit)
            }
            table.remove(at: index)
        }
        while table.count >= max(1, options.maxPending), evictOldest(emit) {}
        var t = DNSTransaction(client: key.client, clientPort: key.clientPort, server: key.server, serverPort: key.serverPort,
                               transport: key.transport, family: context.family, id: key.id, qname: key.qname,
                               qtype: key.qtype, qclass: key.qclass, status: .unanswered)
        t.queryTimestamp = context.timestamp
        t.queryPacketNumber = context.packetNumber
        t.recursionDesired = message.recursionDesired
        generation &+= 1
        table[key] = Entry(transaction: t, firstQuery: context.timestamp,
                           deadline: context.timestamp &+ options.responseTimeoutNanoseconds, generation: generation)
        let deadline = context.timestamp &+ options.responseTimeoutNanoseconds
        if let last = order.last, deadline < last.deadline { orderSorted = false }
        order.append((key, generation, deadline))
    }

    /// Emits every query whose timeout passed at `now` (ns) as `unanswered`, and forgets
    /// answered keys past it. Also expires the extractor's idle TCP directions and fragments,
    /// tracking what those still held.
    public mutating func expire(now: Int64, emit: (DNSTransaction) -> Void) {
        while orderHead < order.count {
            // Every later entry is due no sooner, so nothing is due (stale heads are skipped later).
            if orderSorted && order[orderHead].deadline > now { break }
            if let index = table.index(forKey: order[orderHead].key), table.values[index].generation == order[orderHead].generation {
                guard table.values[index].deadline <= now else { break }
                let entry = table.remove(at: index).value
                if entry.transaction != nil { finishUnanswered(entry, cause: \.unansweredTimedOut, emit) }
            }
            orderHead += 1
        }
        compactOrder()
    }

    /// Periodic housekeeping without a packet: expires the extractor and the tracker at `now`.
    public mutating func expireAll(now: Int64, emit: (DNSTransaction) -> Void) {
        extractor.expire(now: now)
        drainExtractor(emit)
        expire(now: now, emit: emit)
    }

    /// Ends the input: messages still held by TCP streams are tracked, then every pending
    /// query is emitted as `unanswered` (in query order).
    public mutating func finish(emit: (DNSTransaction) -> Void) {
        extractor.finish()
        drainExtractor(emit)
        while orderHead < order.count {
            let (key, gen, _) = order[orderHead]
            orderHead += 1
            guard let entry = table[key], entry.generation == gen else { continue }
            table[key] = nil
            if entry.transaction != nil { finishUnanswered(entry, cause: \.unansweredAtFinish, emit) }
        }
        table.removeAll()
        order.removeAll(keepingCapacity: true)
        orderHead = 0
        orderSorted = true
    }

    // MARK: internals

    private mutating func drainExtractor(_ emit: (DNSTransaction) -> Void) {
        guard !extractor.found.isEmpty else { return }
        // Take the extractor's buffers so that tracking (which mutates self) reads a local.
        swap(&scratchArena, &extractor.arena)
        swap(&scratchFound, &extractor.found)
        let arena = scratchArena, found = scratchFound
        arena.withUnsafeBytes { a in
            for m in found { add(message: UnsafeRawBufferPointer(rebasing: a[m.range]), context: m.context, emit: emit) }
        }
        swap(&scratchArena, &extractor.arena)
        swap(&scratchFound, &extractor.found)
    }

    private func fillResponse(_ t: inout DNSTransaction, _ context: DNSMessageContext) {
        t.responseTimestamp = context.timestamp
        t.responsePacketNumber = context.packetNumber
        t.rcode = message.rcode
        t.authoritative = message.authoritative
        t.truncated = message.truncated
        t.recursionAvailable = message.recursionAvailable
        t.authenticData = message.authenticData
        if t.recursionDesired == nil && t.queryTimestamp == nil { t.recursionDesired = message.recursionDesired }
        t.answers = message.answers
        t.answerCount = Int(message.answerCount)
        t.responseParseStop = message.stop
    }

    private mutating func finishUnanswered(_ entry: Entry, cause: WritableKeyPath<Counters, Int>, _ emit: (DNSTransaction) -> Void) {
        guard var t = entry.transaction else { return }
        t.status = .unanswered
        counters.unanswered += 1
        counters[keyPath: cause] += 1
        emit(t)
    }

    /// Removes the oldest live entry: a pending one is emitted as `evicted`, a remembered
    /// answered key is just forgotten. False when nothing is left to evict.
    private mutating func evictOldest(_ emit: (DNSTransaction) -> Void) -> Bool {
        while orderHead < order.count {
            let (key, gen, _) = order[orderHead]
            orderHead += 1
            guard let entry = table[key], entry.generation == gen else { continue }
            table[key] = nil
            if var t = entry.transaction {
                t.status = .evicted
                counters.evicted += 1
                emit(t)
            }
            compactOrder()
            return true
        }
        return false
    }

    private mutating func compactOrder() {
        if orderHead > 1024 && orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        } else if orderHead == order.count && orderHead > 0 {
            order.removeAll(keepingCapacity: true)
            orderHead = 0
            orderSorted = true
        }
    }
}
