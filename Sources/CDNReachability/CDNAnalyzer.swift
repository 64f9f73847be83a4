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
    /// Destination-name rows per source; connections of further names count only for their
    /// provider (`names_over_cap`).
    public var maxNames = 10_000
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
/// Per packet it does nothing for packets without TCP/UDP payload; for others a table lookup
/// and a few byte comparisons, and allocates only when it parses a ClientHello, a request head
/// or an Initial.
public struct CDNAnalyzer: PipelineExtension {
    public let matcher: CDNMatcher
    public let options: CDNAnalyzerOptions

    var flows: OpenTable<FlowKey, CDNFlowState>
    var pool: CDNParserPool
    var addressNames: CDNAddressNames
    var flowCursor = 0
    /// Packets seen (the 1-based frame number of the current packet when no filter is set).
    public private(set) var packets = 0
    /// ClientHellos read, in order, when `options.keepClientHellos` (tests, diagnostics).
    public private(set) var clientHellos: [CDNClientHelloSighting] = []

    // Figures (per provider index; names by text), folded into a `CDNSummary` by `finish`.
    var providerFigures: [CDNGroupFigures]
    var nameFigures: [String: CDNGroupFigures] = [:]
    var connections: UInt64 = 0
    var attributed = [UInt64](repeating: 0, count: CDNAttributionMethod.allCases.count)
    var unattributed: UInt64 = 0
    var named = [UInt64](repeating: 0, count: CDNNameSource.allCases.count)
    var unnamed: UInt64 = 0
    var flowEvictions: UInt64 = 0
    var namesOverCap: UInt64 = 0
    /// A and AAAA answers for names that have no row yet (no provider, no connection so far):
    /// a row created later for the name (a connection named by that answer) takes them, so a
    /// plain name's verdict sees its AAAA answers. At most `maxPendingAnswerNames` names.
    var pendingAnswers: [String: (a: UInt64, aaaa: UInt64)] = [:]
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
                             connectionPackets: UInt64) -> Bool {
        packets = Int(truncatingIfNeeded: packetNumber)
        guard connectionPackets <= Self.inspectedPackets else { return true }
        guard let t = packet.transport, t.protocolNumber == 6 || t.protocolNumber == 17 else { return false }
        let isSYN = t.protocolNumber == 6 && t.tcpFlags & 0x12 == 0x02
        guard isSYN || (t.payloadOffset >= 0 && t.payloadCapturedLength > 0) else { return false }
        // The connection analyzer's key: the innermost IP layer that is not an ICMP quote, and
        // only when the transport header is in it.
        let layers = packet.ipLayers
        var inner = layers.count - 1
        while inner > 0 && layers[inner].isICMPQuote { inner -= 1 }
        guard inner >= 0, t.ipLayerIndex == inner, let src = layers[inner].source, let dst = layers[inner].destination,
              src.family == dst.family, !layers[inner].isFragment || layers[inner].isFirstFragment else { return false }
        let key = FlowKey(source: src, sourcePort: t.sourcePort, destination: dst, destinationPort: t.destinationPort,
                          transportProtocol: t.protocolNumber)
        let fromA = (src.high, src.low, t.sourcePort) <= (dst.high, dst.low, t.destinationPort)
        let payload = t.payloadOffset >= 0 ? record.bytes.clampedSlice(from: t.payloadOffset, length: t.payloadCapturedLength)
                                           : UnsafeRawBufferPointer(start: nil, count: 0)
        if isSYN && payload.isEmpty {
            // Remember stream offset 0 of the client's byte stream (RFC 9293 section 3.4: the
            // first data byte is ISN + 1). A retransmitted SYN replaces it.
            if let i = flows.index(of: key) {
                if flows[index: i].kind == .pending { flows[index: i].initialSequence = t.sequenceNumber &+ 1 }
            } else {
                var s = CDNFlowState(clientIsA: fromA, kind: .pending, last: record.timestamp)
                s.initialSequence = t.sequenceNumber &+ 1
                insert(key, s)
            }
            return false
        }
        guard !payload.isEmpty else { return false }
        if let i = flows.index(of: key) {
            return update(slot: i, key: key, fromA: fromA, payload: payload, tcp: t.protocolNumber == 6, sequence: t.sequenceNumber,
                          time: record.timestamp)
        }
        // No state: this is the connection's first payload seen (no SYN, or UDP).
        guard let s = classify(fromA: fromA, payload: payload, tcp: t.protocolNumber == 6, sequence: t.sequenceNumber,
                               initialSequence: nil, time: record.timestamp) else { return true }
        insert(key, s)
        return s.complete
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
        s.initialSequence = initialSequence
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
        if s.kind == .pending {
            if fromA != s.clientIsA { s.serverReplied = true; flows[index: i] = s; return false }
            let replied = s.serverReplied
            guard var c = classify(fromA: fromA, payload: payload, tcp: tcp, sequence: sequence,
                                   initialSequence: s.initialSequence, time: time) else {
                // Neither TLS nor HTTP: nothing to learn from this connection's content.
                _ = flows.remove(at: i)
                return true
            }
            c.serverReplied = replied
            flows[index: i] = c
            return c.complete
        }
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
            var provider: Int32 = -1
            let chain = t.cnameChain
            for n in chain.reversed() where provider < 0 {
                if let m = matcher.match(name: n) { provider = Int32(m.provider) }
            }
            if provider < 0, let m = matcher.match(name: t.qname) { provider = Int32(m.provider) }
            guard let qname = CDNName.normalized(t.qname) else { continue }
            let time = t.responseTimestamp ?? 0
            var answered = 0
            for rr in t.answers {
                let address: IPAddress
                switch rr.data {
                case .a(let a) where t.qtype == 1: address = a
                case .aaaa(let a) where t.qtype == 28: address = a
                default: continue
                }
                if provider < 0, let m = matcher.match(address: address) { provider = Int32(m.provider) }
                answered += 1
                addressNames.set(address, .init(name: qname, provider: provider, time: time))
            }
            guard answered > 0 else { continue }
            if provider >= 0 {
                if t.qtype == 28 { providerFigures[Int(provider)].aaaaAnswers += 1 } else { providerFigures[Int(provider)].aAnswers += 1 }
            }
            // Name rows from DNS only for names attributed to a provider (others get a row when
            // a connection names them).
            if provider >= 0 || nameFigures.index(forKey: qname) != nil {
                withNameRow(qname, provider: provider) { g in if t.qtype == 28 { g.aaaaAnswers += 1 } else { g.aAnswers += 1 } }
            } else if pendingAnswers[qname] != nil || pendingAnswers.count < Self.maxPendingAnswerNames {
                if t.qtype == 28 { pendingAnswers[qname, default: (0, 0)].aaaa += 1 } else { pendingAnswers[qname, default: (0, 0)].a += 1 }
            }
        }
    }

    /// Applies `body` to `name`'s row, creating it under the cap; one hash lookup for a row
    /// that exists (this runs once per connection and per DNS answer).
    mutating func withNameRow(_ name: String, provider: Int32, _ body: (inout CDNGroupFigures) -> Void) {
        if let i = nameFigures.index(forKey: name) {
            body(&nameFigures.values[i])
            if provider >= 0 && nameFigures.values[i].provider == nil {
                nameFigures.values[i].provider = matcher.rules.providers[Int(provider)].name
            }
            return
        }
        guard nameFigures.count < options.maxNames else { namesOverCap += 1; return }
        var g = CDNGroupFigures()
        if provider >= 0 { g.provider = matcher.rules.providers[Int(provider)].name }
        if let p = pendingAnswers.removeValue(forKey: name) { g.aAnswers += p.a; g.aaaaAnswers += p.aaaa }
        body(&g)
        nameFigures[name] = g
    }

    // MARK: connection records

    public mutating func finished(connections records: [ConnectionRecord]) {
        for r in records where r.transportProtocol == 6 || r.transportProtocol == 17 {
            let key = FlowKey(source: r.originator, sourcePort: r.originatorPort, destination: r.responder,
                              destinationPort: r.responderPort, transportProtocol: r.transportProtocol)
            var state: CDNFlowState? = nil
            if let i = flows.index(of: key) {
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
            count(r, key: key, state: state)
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

    mutating func count(_ r: ConnectionRecord, key: FlowKey, state: CDNFlowState?) {
        connections += 1
        // The server: the responder, unless the content showed the client on the other side.
        let server: IPAddress
        if let s = state { server = s.clientIsA ? key.addressB : key.addressA } else { server = r.responder }
        let dnsEntry = addressNames.lookup(server)
        var name = state?.name
        var source = state?.nameSource
        if name == nil, let e = dnsEntry { name = e.name; source = .dnsAnswer }
        var provider: Int32 = -1
        var method: CDNAttributionMethod? = nil
        if let n = name, let m = matcher.match(name: n) { provider = Int32(m.provider); method = .name }
        else if let e = dnsEntry, e.provider >= 0 { provider = e.provider; method = .dnsChain }
        else if let m = matcher.match(address: server) { provider = Int32(m.provider); method = .prefix }
        if let m = method { attributed[CDNAttributionMethod.allCases.firstIndex(of: m)!] += 1 } else { unattributed += 1 }
        if let s = source { named[CDNNameSource.allCases.firstIndex(of: s)!] += 1 } else { unnamed += 1 }

        var t = Tally()
        t.bytes = r.originatorTraffic.bytes &+ r.responderTraffic.bytes
        if r.transportProtocol == 6 {
            if r.startedBeforeCapture { t.midstream = true } else {
                t.attempt = true
                t.handshake = r.state.outcome == .established || r.state.outcome == .reset
                if t.handshake, let a = r.synToSynAck, let b = r.synAckToAck { t.rtt = a &+ b }
                t.clientHello = state?.clientHello == true
                t.serverHello = t.clientHello && state?.serverHello == true
                t.success = t.handshake && (!t.clientHello || t.serverHello)
            }
        } else {
            t.quic = true
            t.quicAnswered = state?.serverReplied == true
        }
        if provider >= 0 { t.add(to: &providerFigures[Int(provider)][r.family]) }
        if let n = name { withNameRow(n, provider: provider) { t.add(to: &$0[r.family]) } }
    }

    // MARK: end

    /// The figures (every connection record must have been delivered first, as the pipeline does).
    public mutating func finish() -> CDNSummary {
        var s = CDNSummary()
        s.ruleProviders = matcher.rules.providers.map(\.name)
        for (i, g) in providerFigures.enumerated() where g != CDNGroupFigures() {
            s.providers[matcher.rules.providers[i].name] = g
        }
        s.names = nameFigures
        s.connections = connections
        for (i, m) in CDNAttributionMethod.allCases.enumerated() where attributed[i] > 0 { s.attributedBy[m] = attributed[i] }
        s.unattributed = unattributed
        for (i, n) in CDNNameSource.allCases.enumerated() where named[i] > 0 { s.namedBy[n] = named[i] }
        s.unnamed = unnamed
        s.flowStateEvictions = flowEvictions
        s.parserSlotsExhausted = pool.exhausted
        s.parserEvictions = pool.evictions
        s.addressNameEvictions = addressNames.evictions
        s.namesOverCap = namesOverCap
        return s
    }
}
