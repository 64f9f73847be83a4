import CaptureCore
import CDNAttribution
import PacketDecoding
import QUICInitial
import TrafficAnalysis

/// One ClientHello with a server_name as the analyzer read it (kept only on request).
public struct CDNClientHelloSighting: Sendable, Hashable {
    /// The packet that completed it (1-based, counting every packet given to `add`).
    public var packet: Int
    /// The server_name as sent (not normalised).
    public var serverName: String
    public var quic: Bool
    public var alpn: [String]
    public var encryptedClientHello: Bool
}

/// Bounds of the CDN analysis (DESIGN practice 14).
public struct CDNAnalyzerOptions: Sendable, Equatable {
    /// Connections with recognised content kept at once (~100 bytes a slot); beyond, the least
    /// recently seen of a sample of 8 is dropped (`flow_state_evictions`; its connection is then
    /// attributed by DNS or prefix only).
    public var maxFlows = 1 << 19
    /// ClientHellos being gathered at once (split over segments or Initial packets). When every
    /// slot is busy, a parser idle for 1 s or more (the stalest of 8 sampled) gives its slot to
    /// the new flow (`parser_evictions`); when none is, the new flow is not parsed
    /// (`parser_slots_exhausted`). See `CDNParserPool`.
    public var maxParsers = 4096
    /// Server addresses remembered from DNS answers.
    public var maxAddressNames = 1 << 18
    /// Live connections holding the DNS answers of their first packet until their record is
    /// joined (two answer ids in the connection's own slot, and a reference each in the answer
    /// table; only connections with an answer for either end). The connection table's default
    /// cap, so not reached before it with default options; beyond, a connection that starts
    /// gets no answers (`connection_answer_evictions`).
    public var maxConnectionAnswers = AnalysisOptions.defaultMaxConnections
    /// Destination-name rows per source; connections of further names count only for their
    /// provider (`names_over_cap`).
    public var maxNames = CDNSummary.defaultMaxNames
    /// Keep every ClientHello read (`CDNAnalyzer.clientHellos`): for the corpus tests; off by default.
    public var keepClientHellos = false

    public init() {}
}

/// CDN reachability per provider and family (docs/cdn.md): runs beside the built-in analyzers
/// as a `PipelineExtension` and joins three things per connection:
///
/// * content, read per packet: a TLS ClientHello on any TCP port (recognised by content, split
///   segments gathered), a QUIC v1/v2 Initial ClientHello (decrypted, CRYPTO frames gathered
///   over Initial packets), an HTTP/1.x request's Host; the server's ServerHello;
/// * DNS answers: server address -> queried name and the provider its CNAME chain leads to;
/// * the connection record (Zeek conn_state, handshake timing, bytes) when it finishes.
///
/// Per packet it does nothing for packets without TCP/UDP payload (a client SYN's sequence
/// number goes into the connection analyzer's slot, `Slot`); a connection's first payload
/// costs a few byte comparisons, and only recognised content gets an entry in `flows` (one
/// lookup per later packet). It allocates only when it parses a ClientHello, a request head or
/// an Initial. Per connection's first packet: two DNS-address lookups (both ends); the ids of
/// the answers found go into the connection's slot (`Slot`), so the answers that name the
/// connection are those current then, whenever its record finishes (docs/cdn.md
/// "Attribution"). Per finished connection: a `flows` lookup only when content was recognised,
/// a name match only for a name read from content (a DNS name's match is kept with its
/// answer), a prefix match only for a connection without a DNS answer for its server and
/// without a provider by name (an answer's provider already includes its addresses'
/// prefixes), and a name hash only for a name from content or a DNS answer whose row is not
/// known yet.
public struct CDNAnalyzer: PipelineExtension {
    public let matcher: CDNMatcher
    public let options: CDNAnalyzerOptions

    var flows: OpenTable<FlowKey, CDNFlowState>
    var pool: CDNParserPool
    var addressNames: CDNAddressNames
    /// The DNS answers the address map and live connections refer to.
    var answers = CDNAnswerTable()
    /// Live connections holding answers (at most `options.maxConnectionAnswers`).
    var connectionsWithAnswers = 0
    /// Connections that got no answers because `maxConnectionAnswers` were held.
    var connectionAnswerEvictions: UInt64 = 0
    var flowCursor = 0
    /// Packets seen (the 1-based frame number of the current packet when no filter is set).
    public private(set) var packets = 0
    /// ClientHellos read, in order, when `options.keepClientHellos` (tests, diagnostics).
    public private(set) var clientHellos: [CDNClientHelloSighting] = []

    // Figures (per provider index; names by text), folded into a `CDNSummary` by `finish`.
    var providerFigures: [CDNGroupFigures]
    /// Name rows in creation order, and each name's place: its row, or (row -1) the A/AAAA
    /// answers seen for it before it has a row. One hash lookup per DNS answer and per
    /// connection named by content (a dictionary of rows and another of pending answers took up
    /// to three); a connection named by DNS finds its row through its answer (`CDNAnswerTable`)
    /// once the row exists.
    /// A row's `provider` (index, -1: none) is the smallest of those its contributions gave
    /// (see `withNameRow`), so it does not depend on the order records arrive in.
    var nameRows: [(name: String, provider: Int32, figures: CDNGroupFigures)] = []
    var nameIndex: [String: NameSlot] = [:]
    /// Entries of `nameIndex` without a row (pending answers), at most `maxPendingAnswerNames`.
    var pendingNames = 0
    /// Answers for a further name not kept because `maxPendingAnswerNames` were waiting.
    var pendingAnswersDropped: UInt64 = 0
    struct NameSlot {
        var row: Int32 = -1
        var a: UInt64 = 0, aaaa: UInt64 = 0
    }
    var connections: UInt64 = 0
    var attributed = [UInt64](repeating: 0, count: CDNAttributionMethod.allCases.count)
    var unattributed: UInt64 = 0
    var named = [UInt64](repeating: 0, count: CDNNameSource.allCases.count)
    var unnamed: UInt64 = 0
    var flowEvictions: UInt64 = 0
    var namesOverCap: UInt64 = 0
    var rttNegativeSkipped: UInt64 = 0
    /// A and AAAA answers are kept for names that have no row yet (no provider, no connection
    /// so far): a row created later for the name (a connection named by that answer) takes
    /// them, so a plain name's verdict sees its AAAA answers. At most this many such names.
    static let maxPendingAnswerNames = 65_536

    public init(matcher: CDNMatcher, options: CDNAnalyzerOptions = CDNAnalyzerOptions()) {
        self.matcher = matcher
        self.options = options
        flows = OpenTable(capacity: 1 << 10, maxEntries: max(1, options.maxFlows))
        pool = CDNParserPool(maxSlots: options.maxParsers)
        addressNames = CDNAddressNames(maxEntries: options.maxAddressNames)
        providerFigures = Array(repeating: CDNGroupFigures(), count: matcher.rules.providers.count)
    }

    public var wantsRecords: Bool { true }

    // MARK: per packet

    /// Content is looked for in a connection's first `inspectedPackets` packets (both
    /// directions): a 16 KiB ClientHello is 12 segments, a QUIC client's Initials are read from
    /// at most 16 datagrams, the ServerHello is the server's first payload. Later packets (bulk
    /// data) cost nothing here, not even a lookup.
    public static let inspectedPackets: UInt64 = 48

    /// - Returns: true when nothing more is to be learnt from this packet's connection (the
    ///   pipeline then stops handing its packets over): past `inspectedPackets`, content that is
    ///   none of TLS/HTTP/QUIC, or everything read (ClientHello and the server's answer).
    public mutating func add(_ record: PacketRecord, _ packet: DecodedPacket, packetNumber: UInt64,
                             connectionPackets: UInt64, connectionState slot: inout ConnectionExtensionState) -> Bool {
        packets = Int(truncatingIfNeeded: packetNumber)
        guard connectionPackets <= Self.inspectedPackets else { return true }
        guard let t = packet.transport, t.protocolNumber == 6 || t.protocolNumber == 17 else { return false }
        let isSYN = t.protocolNumber == 6 && t.tcpFlags & 0x12 == 0x02
        let hasPayload = t.payloadOffset >= 0 && t.payloadCapturedLength > 0
        let first = connectionPackets == 1
        guard isSYN || hasPayload || first else { return false }
        // The connection analyzer's key: the innermost IP layer that is not an ICMP quote, and
        // only when the transport header is in it.
        let layers = packet.ipLayers
        var inner = layers.count - 1
        while inner > 0 && layers[inner].isICMPQuote { inner -= 1 }
        guard inner >= 0, t.ipLayerIndex == inner, let src = layers[inner].source, let dst = layers[inner].destination,
              src.family == dst.family, !layers[inner].isFragment || layers[inner].isFirstFragment else { return false }
        let key = FlowKey(source: src, sourcePort: t.sourcePort, destination: dst, destinationPort: t.destinationPort,
                          transportProtocol: t.protocolNumber)
        let payload = t.payloadOffset >= 0 ? record.bytes.clampedSlice(from: t.payloadOffset, length: t.payloadCapturedLength)
                                           : UnsafeRawBufferPointer(start: nil, count: 0)
        let tcp = t.protocolNumber == 6
        // A UDP flow counts only as QUIC, recognised by the same test `classify` applies to its
        // first datagram: other UDP flows (DNS is about half of all flows) are not looked up.
        if first && (tcp || QUICLongHeader.looksLikeInitial(payload)) { noteAnswers(key, in: &slot) }
        guard isSYN || hasPayload else { return false }
        let fromA = (src.high, src.low, t.sourcePort) <= (dst.high, dst.low, t.destinationPort)
        if slot.flags & Slot.inTable != 0 {
            // Content recognised earlier: its state is in `flows` (unless evicted under the cap,
            // and then there is nothing more to learn).
            guard let i = flows.index(of: key) else { return true }
            return update(slot: i, key: key, fromA: fromA, payload: payload, tcp: tcp, sequence: t.sequenceNumber, time: record.timestamp)
        }
        if isSYN && payload.isEmpty {
            // Remember stream offset 0 of the client's byte stream (RFC 9293 section 3.4: the
            // first data byte is ISN + 1), in the connection's own slot. A retransmitted SYN
            // replaces it; the client is the first SYN's sender.
            if slot.flags & Slot.synSeen == 0 { slot.flags |= Slot.synSeen | (fromA ? Slot.synFromA : 0) }
            slot.word = t.sequenceNumber &+ 1
            return false
        }
        guard !payload.isEmpty else { return false }
        var initialSequence: UInt32? = nil
        if slot.flags & Slot.synSeen != 0 {
            // The server spoke first (a banner): noted; the client's first payload decides.
            if fromA != (slot.flags & Slot.synFromA != 0) { slot.flags |= Slot.serverReplied; return false }
            initialSequence = slot.word
        }
        // The connection's first client payload (UDP: its first datagram): TLS, HTTP, QUIC or nothing to learn.
        guard var s = classify(fromA: fromA, payload: payload, tcp: tcp, sequence: t.sequenceNumber,
                               initialSequence: initialSequence, time: record.timestamp) else { return true }
        s.serverReplied = slot.flags & Slot.serverReplied != 0
        insert(key, s)
        slot.flags |= Slot.inTable
        return s.complete
    }

    /// A connection's first packet: the DNS answers for both its addresses as they stand now
    /// (every answer of an earlier packet has been delivered: the pipeline hands finished DNS
    /// transactions over before the packet) are what will name it. Two lookups per connection;
    /// their ids go into its slot (`word2`: endpoint A's, `word3`: B's), one reference each.
    mutating func noteAnswers(_ key: FlowKey, in slot: inout ConnectionExtensionState) {
        guard !addressNames.isEmpty else { return }
        let a = addressNames.lookup(key.addressA), b = addressNames.lookup(key.addressB)
        guard a != 0 || b != 0 else { return }
        guard connectionsWithAnswers < options.maxConnectionAnswers else { connectionAnswerEvictions += 1; return }
        connectionsWithAnswers += 1
        if a != 0 { answers.retain(a) }
        if b != 0 { answers.retain(b) }
        slot.word2 = a; slot.word3 = b
    }

    /// Lets go of the answers a finished connection held (`noteAnswers`).
    mutating func releaseAnswers(_ s: ConnectionExtensionState) {
        guard s.word2 | s.word3 != 0 else { return }
        connectionsWithAnswers -= 1
        if s.word2 != 0 { answers.release(s.word2) }
        if s.word3 != 0 { answers.release(s.word3) }
    }

    /// Bits of the connection's `ConnectionExtensionState.flags` (`word`: the client's SYN
    /// sequence number + 1 once `synSeen`; `word2` / `word3`: the ids in `answers` of the DNS
    /// answers for the key's endpoint A / B at the connection's first packet, 0: none). Until a
    /// connection's content is recognised this is all the analysis keeps of it: no table entry,
    /// no lookup.
    enum Slot {
        static let synSeen: UInt8 = 1, synFromA: UInt8 = 2, serverReplied: UInt8 = 4
        /// The content was recognised: the state lives in `flows`.
        static let inTable: UInt8 = 8
    }

    /// A request line's method, by its first four bytes (RFC 9110 section 9 methods; CONNECT
    /// and the WebDAV ones are rare in first segments and left out).
    static func looksLikeHTTPRequest(_ p: UnsafeRawBufferPointer) -> Bool {
        guard let w: UInt32 = p.readBigEndian(at: 0) else { return false }
        switch w {
        case 0x4745_5420, 0x504f_5354, 0x4845_4144, 0x5055_5420, 0x4445_4c45, 0x4f50_5449, 0x5041_5443: return true
        default: return false  // "GET ", "POST", "HEAD", "PUT ", "DELE", "OPTI", "PATC"
        }
    }

    /// The state for a client's first payload, or nil when it is none of TLS, HTTP/1.x, QUIC.
    /// With the SYN's `initialSequence`, a TCP segment beyond stream offset 0 (the ClientHello's
    /// first segment is late) starts a ClientHello accumulator that places it, in case.
    mutating func classify(fromA: Bool, payload: UnsafeRawBufferPointer, tcp: Bool, sequence: UInt32,
                           initialSequence: UInt32?, time: Int64) -> CDNFlowState? {
        var s: CDNFlowState
        if tcp {
            let offset = initialSequence.map { Int(Int32(bitPattern: sequence &- $0)) } ?? 0
            if (offset == 0 && (TLSClientHello.looksLikeClientHello(payload) || TLSClientHello.mayBeginClientHello(payload)))
                || (offset > 0 && offset < TLSClientHelloAccumulator.defaultCapacity) {
                s = CDNFlowState(clientIsA: fromA, kind: .tls, last: time)
                // Stream offset 0: the SYN's sequence + 1 when seen, else this segment's sequence
                // (then a ClientHello whose first segment arrives after a later one is missed).
                var acc = TLSClientHelloAccumulator(initialSequence: initialSequence ?? sequence)
                switch acc.add(payload, sequenceNumber: sequence) {
                case .done(let r): apply(r, to: &s, quic: false)
                case .needMore: s.parser = pool.allocate(.tls(acc), time: time)
                }
            } else if offset == 0 && Self.looksLikeHTTPRequest(payload) {
                s = CDNFlowState(clientIsA: fromA, kind: .http, last: time)
                // The Host field is read from the request's first segment (heads are short).
                if case .request(let h) = HTTPRequestHead.parse(payload, allowPartial: true), let host = h.host,
                   let name = CDNName.normalized(host) {
                    s.name = name; s.nameSource = .httpHost
                }
            } else { return nil }
        } else {
            guard QUICLongHeader.looksLikeInitial(payload) else { return nil }
            s = CDNFlowState(clientIsA: fromA, kind: .quic, last: time)
            var reader = QUICInitialReader()
            switch reader.add(datagram: payload) {
            case .done(let r): apply(r, to: &s, quic: true)
            case .needMore:
                // A parser slot only for a flow whose first datagram held an Initial that opened
                // (a real client's always does): spoofed junk "Initials" on UDP 443 filled every
                // slot before, and later ClientHellos went unread (adversarial finding).
                s.parser = reader.counters.initialPacketsOpened > 0 ? pool.allocate(.quic(reader), time: time) : .none
            }
        }
        return s
    }

    mutating func insert(_ key: FlowKey, _ s: CDNFlowState) {
        if flows.count >= options.maxFlows, let (slot, next) = flows.leastRecent(from: flowCursor, by: { $0.last }) {
            flowCursor = next
            let old = flows.remove(at: slot).value
            pool.release(old.parser)
            flowEvictions += 1
        }
        _ = flows.findOrInsert(key) { s }
    }

    /// - Returns: true when the connection has nothing more to show (see `add`).
    mutating func update(slot i: Int, key: FlowKey, fromA: Bool, payload: UnsafeRawBufferPointer, tcp: Bool, sequence: UInt32,
                         time: Int64) -> Bool {
        var s = flows[index: i]
        if fromA == s.clientIsA {
            guard !s.parser.isNone else { return s.complete }  // nothing more to learn from the client
            let slot = s.parser
            switch pool.take(slot) {
            case .tls(var acc):
                if case .done(let r) = acc.add(payload, sequenceNumber: sequence) {
                    apply(r, to: &s, quic: false); pool.release(slot); s.parser = .none
                } else { pool.put(.tls(acc), at: slot, time: time) }
            case .quic(var reader):
                if case .done(let r) = reader.add(datagram: payload) {
                    apply(r, to: &s, quic: true); pool.release(slot); s.parser = .none
                } else { pool.put(.quic(reader), at: slot, time: time) }
            case .empty:
                // The parser was evicted for a newer connection (see CDNParserPool).
                s.parser = .none
            }
        } else {
            if s.serverReplied && (s.kind != .tls || s.serverChecked) { return s.complete }
            s.serverReplied = true
            if tcp && s.kind == .tls && !s.serverChecked {
                // The server's first payload: its ServerHello (RFC 8446 section 4.1.3) or not.
                s.serverChecked = true
                if case .serverHello = TLSServerHello.parse(records: payload) { s.serverHello = true }
            }
        }
        s.last = time
        flows[index: i] = s
        return s.complete
    }

    mutating func apply(_ r: TLSClientHelloResult, to s: inout CDNFlowState, quic: Bool) {
        guard case .clientHello(let h) = r else { return }
        if options.keepClientHellos, let n = h.serverName {
            clientHellos.append(CDNClientHelloSighting(packet: packets, serverName: n, quic: quic, alpn: h.alpn,
                                                       encryptedClientHello: h.hasEncryptedClientHello))
        }
        s.clientHello = true
        if let raw = h.serverName, let name = CDNName.normalized(raw) {
            s.name = name
            // With encrypted_client_hello the visible server_name is the ECH config's public
            // name, not the name the client wants (draft-ietf-tls-esni section 6.1).
            s.nameSource = quic ? .quicSNI : (h.hasEncryptedClientHello ? .echOuterName : .tlsSNI)
        }
    }

    // MARK: DNS answers

    public mutating func finished(dns transactions: [DNSTransaction]) {
        for t in transactions where t.status == .answered && (t.qtype == 1 || t.qtype == 28) {
            guard t.answers.contains(where: { $0.type == t.qtype }) else { continue }  // no A/AAAA record: nothing to learn
            var provider: Int32 = -1
            let nameProvider = matcher.match(name: t.qname).map { Int32($0.provider) } ?? -1
            for n in (t.answers.contains { $0.type == 5 } ? t.cnameChain : []).reversed() where provider < 0 {
                if let m = matcher.match(name: n) { provider = Int32(m.provider) }
            }
            if provider < 0 { provider = nameProvider }
            guard let qname = CDNName.normalized(t.qname) else { continue }
            let time = t.responseTimestamp ?? 0
            // One answer entry for the transaction's addresses (two when an address's prefix
            // gives the provider after earlier addresses were mapped without one).
            var ids: (UInt32, UInt32) = (0, 0)
            var idProvider: Int32 = -1
            for rr in t.answers {
                let address: IPAddress
                switch rr.data {
                case .a(let a) where t.qtype == 1: address = a
                case .aaaa(let a) where t.qtype == 28: address = a
                default: continue
                }
                if provider < 0, let m = matcher.match(address: address) { provider = Int32(m.provider) }
                if ids.0 == 0 || provider != idProvider {
                    let id = answers.insert(.init(name: qname, provider: provider, nameProvider: nameProvider))
                    if ids.0 == 0 { ids.0 = id } else { ids.1 = id }
                    idProvider = provider
                }
                addressNames.set(address, .init(answer: ids.1 != 0 ? ids.1 : ids.0, time: time), answers: &answers)
            }
            guard ids.0 != 0 else { continue }
            if provider >= 0 {
                if t.qtype == 28 { providerFigures[Int(provider)].aaaaAnswers += 1 } else { providerFigures[Int(provider)].aAnswers += 1 }
            }
            // Name rows from DNS only for names attributed to a provider (others get a row when
            // a connection names them; their answers wait for it). For the row, the name's own
            // provider comes first, as for a connection named by this answer.
            let aaaa = t.qtype == 28
            let row = withNameRow(qname, provider: nameProvider >= 0 ? nameProvider : provider, createRow: provider >= 0,
                                  pendingAnswer: aaaa ? (0, 1) : (1, 0)) { g in
                if aaaa { g.aaaaAnswers += 1 } else { g.aAnswers += 1 }
            }
            if row >= 0 {
                // Connections named by this answer find the row without hashing the name.
                answers.setRow(ids.0, row)
                if ids.1 != 0 { answers.setRow(ids.1, row) }
            }
        }
    }

    /// Applies `body` to `name`'s row (this runs once per DNS answer and per connection whose
    /// name's row is not known from its answer, with one hash lookup). Without a row: when
    /// `createRow`, one is made under the `maxNames` cap (taking the answers that waited for it;
    /// beyond the cap `names_over_cap` counts it); otherwise `pendingAnswer` waits for a row,
    /// for at most `maxPendingAnswerNames` names (beyond: `pendingAnswersDropped`).
    ///
    /// The row's provider is the smallest `provider` (rules order) of its contributions: the
    /// name's own provider when the name is under a provider's suffix (then every contribution
    /// gives that one), else the first in the rules among those its connections and answers were
    /// attributed to. "The first contribution's" depended on the order records arrive in.
    /// - Returns: the row `body` was applied to (-1: none).
    @discardableResult
    mutating func withNameRow(_ name: String, provider: Int32, createRow: Bool = true, pendingAnswer: (a: UInt64, aaaa: UInt64) = (0, 0),
                              _ body: (inout CDNGroupFigures) -> Void) -> Int32 {
        enum Outcome { case row(Int), created(a: UInt64, aaaa: UInt64), overCap, pending, dropped }
        var fresh = false
        let room = nameRows.count < options.maxNames, next = Int32(nameRows.count)
        let pendingRoom = pendingNames < Self.maxPendingAnswerNames
        let outcome: Outcome = Self.modify(&nameIndex[name, default: { fresh = true; return NameSlot() }()]) { s in
            if s.row >= 0 { return .row(Int(s.row)) }
            if createRow {
                guard room else { return .overCap }
                let o = Outcome.created(a: s.a, aaaa: s.aaaa)
                s = NameSlot(row: next)
                return o
            }
            guard !fresh || pendingRoom else { return .dropped }
            s.a += pendingAnswer.a; s.aaaa += pendingAnswer.aaaa
            return .pending
        }
        switch outcome {
        case .row(let i):
            addToRow(Int32(i), provider: provider, body)
            return Int32(i)
        case .created(let a, let aaaa):
            if !fresh { pendingNames -= 1 }
            var g = CDNGroupFigures()
            g.aAnswers = a; g.aaaaAnswers = aaaa
            body(&g)
            nameRows.append((name, max(-1, provider), g))
            return next
        case .overCap:
            namesOverCap += 1
            if fresh { nameIndex[name] = nil }
        case .pending:
            if fresh { pendingNames += 1 }
        case .dropped:
            nameIndex[name] = nil
            pendingAnswersDropped += 1
        }
        return -1
    }

    /// `body` on an existing name row, whose provider becomes `provider` when that comes first
    /// in the rules (see `withNameRow`).
    @inline(__always)
    mutating func addToRow(_ row: Int32, provider: Int32, _ body: (inout CDNGroupFigures) -> Void) {
        let i = Int(row)
        body(&nameRows[i].figures)
        if provider >= 0 && (nameRows[i].provider < 0 || provider < nameRows[i].provider) { nameRows[i].provider = provider }
    }

    /// `body` on a value in place (a dictionary's `default:` subscript inserts and yields once).
    @inline(__always) static func modify<T, R>(_ v: inout T, _ body: (inout T) -> R) -> R { body(&v) }

    // MARK: connection records

    public mutating func finished(connections records: [ConnectionRecord]) {
        for r in records where r.transportProtocol == 6 || r.transportProtocol == 17 {
            let ext = r.extensionState
            // Let go for every record (also the UDP flows not counted below), so none is left
            // over; after the join, which may read them.
            defer { releaseAnswers(ext) }
            // A UDP flow counts only as QUIC, whose content is in `flows`.
            if r.transportProtocol == 17 && ext.flags & Slot.inTable == 0 { continue }
            let key = FlowKey(source: r.originator, sourcePort: r.originatorPort, destination: r.responder,
                              destinationPort: r.responderPort, transportProtocol: r.transportProtocol)
            var state: CDNFlowState? = nil
            if ext.flags & Slot.inTable != 0, let i = flows.index(of: key) {
                var s = flows.remove(at: i).value
                if !s.parser.isNone {
                    // The connection ended before its ClientHello was whole: read what was gathered.
                    switch pool.take(s.parser) {
                    case .tls(var acc): apply(acc.finishPartial(), to: &s, quic: false)
                    case .quic(var reader): apply(reader.finishPartial(), to: &s, quic: true)
                    case .empty: break
                    }
                    pool.release(s.parser); s.parser = .none
                }
                state = s
            }
            if r.transportProtocol == 17 && state?.kind != .quic { continue }
            count(r, key: key, state: state, answerA: ext.word2, answerB: ext.word3)
        }
    }

    /// One connection's contribution (docs/cdn.md "What is counted").
    struct Tally {
        var attempt = false, handshake = false, success = false, clientHello = false, serverHello = false
        var midstream = false, quic = false, quicAnswered = false
        var bytes: UInt64 = 0
        var rtt: Int64? = nil

        func add(to f: inout CDNFamilyFigures) {
            if attempt { f.attempts += 1 }
            if handshake { f.handshakes += 1 }
            if success { f.successes += 1 }
            if clientHello { f.tlsClientHellos += 1 }
            if serverHello { f.tlsServerHellos += 1 }
            if midstream { f.midstream += 1 }
            if quic { f.quicAttempts += 1 }
            if quicAnswered { f.quicAnswered += 1 }
            f.bytes &+= bytes
            if let v = rtt { f.handshakeRTT.record(nanoseconds: v) }
        }
    }

    /// - Parameters:
    ///   - answerA, answerB: ids in `answers` of the DNS answers for the key's endpoints A and B
    ///     at the connection's first packet (0: none).
    mutating func count(_ r: ConnectionRecord, key: FlowKey, state: CDNFlowState?, answerA: UInt32, answerB: UInt32) {
        connections += 1
        // The server: the responder, unless the content showed the client on the other side.
        let server: IPAddress
        if let s = state { server = s.clientIsA ? key.addressB : key.addressA } else { server = r.responder }
        // The answer current at the connection's first packet (`noteAnswers`), not the map's now.
        let answer = server == key.addressA ? answerA : answerB
        let contentName = state?.name
        var source = state?.nameSource
        // The name's own provider: matched here for a name from content, kept with the DNS
        // answer for a name from DNS (matched once per answer, not once per connection).
        var nameProvider: Int32 = -1
        var answerProvider: Int32 = -1
        if answer != 0 {
            let p = answers.providers(answer)
            answerProvider = p.provider
            if contentName == nil { source = .dnsAnswer; nameProvider = p.nameProvider }
        }
        if let n = contentName { nameProvider = matcher.match(name: n).map { Int32($0.provider) } ?? -1 }
        var provider: Int32 = -1
        var method: CDNAttributionMethod? = nil
        if nameProvider >= 0 { provider = nameProvider; method = .name }
        else if answerProvider >= 0 { provider = answerProvider; method = .dnsChain }
        // An answer without a provider was made after the prefixes of its addresses were tried
        // (`finished(dns:)`), the server's among them: no prefix either, no need to look again.
        else if answer == 0, let m = matcher.match(address: server) { provider = Int32(m.provider); method = .prefix }
        if let m = method { attributed[Self.index(of: m)] += 1 } else { unattributed += 1 }
        if let s = source { named[Self.index(of: s)] += 1 } else { unnamed += 1 }

        var t = Tally()
        t.bytes = r.originatorTraffic.bytes &+ r.responderTraffic.bytes
        if r.transportProtocol == 6 {
            if r.startedBeforeCapture { t.midstream = true } else {
                t.attempt = true
                t.handshake = r.state.outcome == .established || r.state.outcome == .reset
                if t.handshake, let a = r.synToSynAck, let b = r.synAckToAck {
                    // A SYN-ACK stamped before its SYN, or an ACK before the SYN-ACK (clock
                    // steps, merged captures), is no RTT: counted apart, not recorded as 0 ms.
                    if a < 0 || b < 0 { rttNegativeSkipped += 1 } else {
                        let (sum, overflow) = a.addingReportingOverflow(b)
                        t.rtt = overflow ? .max : sum
                    }
                }
                t.clientHello = state?.clientHello == true
                t.serverHello = t.clientHello && state?.serverHello == true
                t.success = t.handshake && (!t.clientHello || t.serverHello)
            }
        } else {
            t.quic = true
            t.quicAnswered = state?.serverReplied == true
        }
        if provider >= 0 { t.add(to: &providerFigures[Int(provider)][r.family]) }
        let family = r.family
        if let n = contentName {
            withNameRow(n, provider: provider) { t.add(to: &$0[family]) }
        } else if answer != 0 {
            // Named by DNS: the answer knows its name's row once one was made.
            let known = answers.row(answer)
            if known >= 0 { addToRow(known, provider: provider) { t.add(to: &$0[family]) } }
            else {
                let row = withNameRow(answers.name(answer), provider: provider) { t.add(to: &$0[family]) }
                if row >= 0 { answers.setRow(answer, row) }
            }
        }
    }

    /// Index of a method / source in `allCases` (the order of `attributed` and `named`).
    static func index(of m: CDNAttributionMethod) -> Int {
        switch m { case .name: 0; case .dnsChain: 1; case .prefix: 2 }
    }
    static func index(of s: CDNNameSource) -> Int {
        switch s { case .tlsSNI: 0; case .echOuterName: 1; case .quicSNI: 2; case .httpHost: 3; case .dnsAnswer: 4 }
    }

    // MARK: end

    /// The figures (every connection record must have been delivered first, as the pipeline does).
    public mutating func finish() -> CDNSummary {
        var s = CDNSummary()
        s.ruleProviders = matcher.rules.providers.map(\.name)
        for (i, g) in providerFigures.enumerated() where g != CDNGroupFigures() {
            s.providers[matcher.rules.providers[i].name] = g
        }
        s.names.reserveCapacity(nameRows.count)
        for (n, p, var g) in nameRows {
            if p >= 0 { g.provider = matcher.rules.providers[Int(p)].name }
            s.names[n] = g
        }
        s.maxNames = options.maxNames
        s.rttNegativeSkipped = rttNegativeSkipped
        s.connections = connections
        for (i, m) in CDNAttributionMethod.allCases.enumerated() where attributed[i] > 0 { s.attributedBy[m] = attributed[i] }
        s.unattributed = unattributed
        for (i, n) in CDNNameSource.allCases.enumerated() where named[i] > 0 { s.namedBy[n] = named[i] }
        s.unnamed = unnamed
        s.flowStateEvictions = flowEvictions
        s.parserSlotsExhausted = pool.exhausted
        s.parserEvictions = pool.evictions
        s.addressNameEvictions = addressNames.evictions
        s.connectionAnswerEvictions = connectionAnswerEvictions
        s.pendingAnswersDropped = pendingAnswersDropped
        s.namesOverCap = namesOverCap
        return s
    }
}
