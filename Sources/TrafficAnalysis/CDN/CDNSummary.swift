import PacketDecoding

// The mergeable figures of the CDN reachability analysis (docs/cdn.md has every definition).
// They live here, beside the other summaries, because they are plain counters and
// distributions: the analyzer that fills them (module CDNReachability) needs swift-crypto for
// QUIC Initials, the figures and their renderers do not.

/// Figures of one group (a provider or a destination name) over one IP family.
public struct CDNFamilyFigures: Sendable, Equatable {
    /// TCP connections whose opening SYN from the originator was seen (an attempt).
    public var attempts: UInt64 = 0
    /// Attempts whose three-way handshake completed (conn_state S1, SF, S2, S3, RSTO, RSTR).
    public var handshakes: UInt64 = 0
    /// Attempts that succeeded: handshake completed and, when the client's ClientHello was read,
    /// the server's ServerHello was seen.
    public var successes: UInt64 = 0
    /// Attempts where a TLS ClientHello was read, and those answered by a ServerHello.
    public var tlsClientHellos: UInt64 = 0
    public var tlsServerHellos: UInt64 = 0
    /// TCP connections already open when the capture started (no SYN seen): not attempts.
    public var midstream: UInt64 = 0
    /// UDP flows that began with a client's QUIC v1/v2 Initial, and those the server answered
    /// (at least one datagram back on the same 5-tuple).
    public var quicAttempts: UInt64 = 0
    public var quicAnswered: UInt64 = 0
    /// Wire bytes (frame lengths) of the counted connections, both directions.
    public var bytes: UInt64 = 0
    /// Handshake RTT of completed handshakes: SYN -> SYN-ACK plus SYN-ACK -> ACK (tshark's
    /// `tcp.analysis.initial_rtt`), nearest-rank percentiles.
    public var handshakeRTT = DurationDistribution()

    public init() {}

    /// successes / attempts, nil without attempts.
    public var successRate: Double? { attempts == 0 ? nil : Double(successes) / Double(attempts) }
    /// TCP successes plus answered QUIC attempts.
    public var reachedConnections: UInt64 { successes + quicAnswered }
    /// TCP attempts plus QUIC attempts.
    public var allAttempts: UInt64 { attempts + quicAttempts }

    public mutating func merge(_ o: CDNFamilyFigures) {
        attempts += o.attempts; handshakes += o.handshakes; successes += o.successes
        tlsClientHellos += o.tlsClientHellos; tlsServerHellos += o.tlsServerHellos; midstream += o.midstream
        quicAttempts += o.quicAttempts; quicAnswered += o.quicAnswered; bytes &+= o.bytes
        handshakeRTT.merge(o.handshakeRTT)
    }
}

/// Whether a group is reached over IPv6, from its connections and DNS answers (docs/cdn.md).
public enum CDNVerdict: String, Sendable, CaseIterable {
    /// At least one IPv6 connection succeeded (TCP success or QUIC answered).
    case reachableIPv6 = "reachable_ipv6"
    /// No IPv6 success, at least one IPv6 attempt, and at least one AAAA answer (with an AAAA
    /// record) for a name of the group: IPv6 was offered by DNS and failed.
    case ipv6Broken = "ipv6_broken"
    /// No IPv6 attempt at all, at least one IPv4 attempt.
    case ipv4Only = "ipv4_only"
    /// Anything else: no attempt, or IPv6 attempts that all failed without an AAAA answer seen.
    case undetermined
}

/// One group's figures: both families and the DNS answers that name it.
public struct CDNGroupFigures: Sendable, Equatable {
    public var ipv4 = CDNFamilyFigures()
    public var ipv6 = CDNFamilyFigures()
    /// Answered A / AAAA queries holding at least one A / AAAA record, for a name of the group.
    public var aAnswers: UInt64 = 0
    public var aaaaAnswers: UInt64 = 0
    /// For a name group: the provider it was attributed to (nil: none).
    public var provider: String? = nil

    public init() {}

    /// One family's figures. Changed in place (`_modify`): with a plain `set`, `g[family]` was
    /// copied out and back for every counted connection, and recording an RTT into the copy
    /// copied the distribution's whole value array (callgrind, issue 9).
    public subscript(family: IPFamily) -> CDNFamilyFigures {
        get { family == .v4 ? ipv4 : ipv6 }
        _modify { if family == .v4 { yield &ipv4 } else { yield &ipv6 } }
    }

    public var verdict: CDNVerdict {
        if ipv6.reachedConnections > 0 { return .reachableIPv6 }
        if ipv6.allAttempts > 0 { return aaaaAnswers > 0 ? .ipv6Broken : .undetermined }
        return ipv4.allAttempts > 0 ? .ipv4Only : .undetermined
    }

    public mutating func merge(_ o: CDNGroupFigures) {
        ipv4.merge(o.ipv4); ipv6.merge(o.ipv6)
        aAnswers += o.aAnswers; aaaaAnswers += o.aaaaAnswers
        if provider == nil { provider = o.provider }
    }
}

/// How a counted connection got its provider.
public enum CDNAttributionMethod: String, Sendable, CaseIterable {
    /// The connection's own name (SNI, QUIC SNI, HTTP Host) is under a provider's suffix.
    case name
    /// The server address was in a DNS answer whose name or CNAME chain is under a provider's suffix.
    case dnsChain = "dns_chain"
    /// The server address is in a provider's published prefix.
    case prefix
}

/// Where a counted connection's name came from.
public enum CDNNameSource: String, Sendable, CaseIterable {
    case tlsSNI = "tls_sni"
    /// The ClientHello carried encrypted_client_hello: its server_name is the outer (public) name.
    case echOuterName = "ech_outer_name"
    case quicSNI = "quic_sni"
    case httpHost = "http_host"
    /// No name in the connection: the name of the DNS answer that gave the server address.
    case dnsAnswer = "dns_answer"
}

/// The CDN analysis of one source or several merged.
public struct CDNSummary: Sendable, Equatable {
    /// Per provider name.
    public var providers: [String: CDNGroupFigures] = [:]
    /// Per destination name (lower case, length-capped); at most `maxNames` rows, per source and
    /// after `merge` (see `nameRowsDropped`).
    public var names: [String: CDNGroupFigures] = [:]
    /// The most name rows kept: the analyzer's `CDNAnalyzerOptions.maxNames` (default
    /// `defaultMaxNames`, 10,000); unbounded in an empty summary made to merge into. `merge`
    /// keeps the smaller of the two caps and applies it to the merged rows.
    public var maxNames: Int = .max
    /// Name rows left out of a merged summary to keep it within `maxNames`: the rows with the
    /// fewest attempts (TCP + QUIC, both families; ties: the greater name) go first. Their
    /// connections stay counted in `providers` and the counters.
    public var nameRowsDropped: UInt64 = 0
    /// TCP and QUIC connections looked at (TCP: every connection; UDP: QUIC ones).
    public var connections: UInt64 = 0
    /// Counted connections by attribution method; `unattributed` had no provider.
    public var attributedBy: [CDNAttributionMethod: UInt64] = [:]
    public var unattributed: UInt64 = 0
    /// Counted connections by name source; `unnamed` had no name.
    public var namedBy: [CDNNameSource: UInt64] = [:]
    public var unnamed: UInt64 = 0
    /// Bounds (DESIGN practice 14): content states evicted at the cap (their names lost),
    /// flows not parsed because every parser slot was busy, DNS address entries evicted,
    /// connections whose name had no row because `maxNames` was reached.
    public var flowStateEvictions: UInt64 = 0
    public var parserSlotsExhausted: UInt64 = 0
    /// ClientHello parsers idle for 1 s or more taken for a newer connection (docs/cdn.md, "Bounds").
    public var parserEvictions: UInt64 = 0
    public var addressNameEvictions: UInt64 = 0
    /// Connections that got no DNS answers at their first packet because
    /// `CDNAnalyzerOptions.maxConnectionAnswers` live connections already held answers (until
    /// 2026-12-06: the earliest started of a sample lost its answers): not named or attributed
    /// by DNS (docs/cdn.md, "Bounds").
    public var connectionAnswerEvictions: UInt64 = 0
    /// A/AAAA answers for a name without a row not kept for a later row, because 65,536 such
    /// names were already waiting (`CDNAnalyzer.maxPendingAnswerNames`): the name's row, if a
    /// connection later makes one, lacks them in `a_answers` / `aaaa_answers`.
    public var pendingAnswersDropped: UInt64 = 0
    public var namesOverCap: UInt64 = 0
    /// Completed handshakes whose RTT came out negative (a SYN-ACK or ACK timestamped before
    /// the packet it answers: clock steps, merged captures): left out of every `handshakeRTT`
    /// distribution instead of counted as 0 ms.
    public var rttNegativeSkipped: UInt64 = 0
    /// Providers in the rules used (so a provider with no traffic is still listed).
    public var ruleProviders: [String] = []

    /// Default of `CDNAnalyzerOptions.maxNames` (and the cap of a stored summary written before
    /// `maxNames` was).
    public static let defaultMaxNames = 10_000

    public init() {}

    public mutating func merge(_ o: CDNSummary) {
        for (k, v) in o.providers { providers[k, default: CDNGroupFigures()].merge(v) }
        for (k, v) in o.names { names[k, default: CDNGroupFigures()].merge(v) }
        maxNames = min(maxNames, o.maxNames)
        nameRowsDropped += o.nameRowsDropped
        capNames()
        connections += o.connections
        for (k, v) in o.attributedBy { attributedBy[k, default: 0] += v }
        unattributed += o.unattributed
        for (k, v) in o.namedBy { namedBy[k, default: 0] += v }
        unnamed += o.unnamed
        flowStateEvictions += o.flowStateEvictions; parserSlotsExhausted += o.parserSlotsExhausted; parserEvictions += o.parserEvictions
        addressNameEvictions += o.addressNameEvictions; namesOverCap += o.namesOverCap
        connectionAnswerEvictions += o.connectionAnswerEvictions; pendingAnswersDropped += o.pendingAnswersDropped
        rttNegativeSkipped += o.rttNegativeSkipped
        for p in o.ruleProviders where !ruleProviders.contains(p) { ruleProviders.append(p) }
    }

    /// Drops the name rows beyond `maxNames`, fewest attempts first (ties: the greater name),
    /// counting them in `nameRowsDropped`. Merging 12 files of 10,000 names gave 12,000 rows.
    mutating func capNames() {
        guard names.count > max(0, maxNames) else { return }
        func weight(_ g: CDNGroupFigures) -> UInt64 { g.ipv4.allAttempts &+ g.ipv6.allAttempts }
        let order = names.map { ($0.key, weight($0.value)) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        for (k, _) in order[max(0, maxNames)...] { names[k] = nil }
        nameRowsDropped += UInt64(order.count - max(0, maxNames))
    }
}

// Codable for `capture summarize --state-out` (CaptureState): synthesized; dictionary keys that
// are enums encode through their raw values (CodingKeyRepresentable).
extension CDNFamilyFigures: Codable {}
extension CDNGroupFigures: Codable {}
extension CDNAttributionMethod: Codable, CodingKeyRepresentable {}
extension CDNNameSource: Codable, CodingKeyRepresentable {}
extension CDNSummary: Codable {
    enum CodingKeys: String, CodingKey {
        case providers, names, maxNames, nameRowsDropped, connections, attributedBy, unattributed, namedBy, unnamed
        case flowStateEvictions, parserSlotsExhausted, parserEvictions, addressNameEvictions, namesOverCap, rttNegativeSkipped
        case connectionAnswerEvictions, pendingAnswersDropped
        case ruleProviders
    }

    /// Members added after states were first written (`maxNames`, `nameRowsDropped`,
    /// `rttNegativeSkipped`, `connectionAnswerEvictions`, `pendingAnswersDropped`) default
    /// when absent, so an older state still merges.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        providers = try c.decode([String: CDNGroupFigures].self, forKey: .providers)
        names = try c.decode([String: CDNGroupFigures].self, forKey: .names)
        maxNames = try c.decodeIfPresent(Int.self, forKey: .maxNames) ?? Self.defaultMaxNames
        nameRowsDropped = try c.decodeIfPresent(UInt64.self, forKey: .nameRowsDropped) ?? 0
        connections = try c.decode(UInt64.self, forKey: .connections)
        attributedBy = try c.decode([CDNAttributionMethod: UInt64].self, forKey: .attributedBy)
        unattributed = try c.decode(UInt64.self, forKey: .unattributed)
        namedBy = try c.decode([CDNNameSource: UInt64].self, forKey: .namedBy)
        unnamed = try c.decode(UInt64.self, forKey: .unnamed)
        flowStateEvictions = try c.decode(UInt64.self, forKey: .flowStateEvictions)
        parserSlotsExhausted = try c.decode(UInt64.self, forKey: .parserSlotsExhausted)
        parserEvictions = try c.decode(UInt64.self, forKey: .parserEvictions)
        addressNameEvictions = try c.decode(UInt64.self, forKey: .addressNameEvictions)
        namesOverCap = try c.decode(UInt64.self, forKey: .namesOverCap)
        rttNegativeSkipped = try c.decodeIfPresent(UInt64.self, forKey: .rttNegativeSkipped) ?? 0
        connectionAnswerEvictions = try c.decodeIfPresent(UInt64.self, forKey: .connectionAnswerEvictions) ?? 0
        pendingAnswersDropped = try c.decodeIfPresent(UInt64.self, forKey: .pendingAnswersDropped) ?? 0
        ruleProviders = try c.decode([String].self, forKey: .ruleProviders)
    }
}
