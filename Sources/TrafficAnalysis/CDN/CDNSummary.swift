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

    public subscript(family: IPFamily) -> CDNFamilyFigures {
        get { family == .v4 ? ipv4 : ipv6 }
        set { if family == .v4 { ipv4 = newValue } else { ipv6 = newValue } }
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
    /// Per destination name (lower case, length-capped); at most `maxNames` per source.
    public var names: [String: CDNGroupFigures] = [:]
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
    public var namesOverCap: UInt64 = 0
    /// Providers in the rules used (so a provider with no traffic is still listed).
    public var ruleProviders: [String] = []

    public init() {}

    public mutating func merge(_ o: CDNSummary) {
        for (k, v) in o.providers { providers[k, default: CDNGroupFigures()].merge(v) }
        for (k, v) in o.names { names[k, default: CDNGroupFigures()].merge(v) }
        connections += o.connections
        for (k, v) in o.attributedBy { attributedBy[k, default: 0] += v }
        unattributed += o.unattributed
        for (k, v) in o.namedBy { namedBy[k, default: 0] += v }
        unnamed += o.unnamed
        flowStateEvictions += o.flowStateEvictions; parserSlotsExhausted += o.parserSlotsExhausted; parserEvictions += o.parserEvictions
        addressNameEvictions += o.addressNameEvictions; namesOverCap += o.namesOverCap
        for p in o.ruleProviders where !ruleProviders.contains(p) { ruleProviders.append(p) }
    }
}

// Codable for `capture summarize --state-out` (CaptureState): synthesized; dictionary keys that
// are enums encode through their raw values (CodingKeyRepresentable).
extension CDNFamilyFigures: Codable {}
extension CDNGroupFigures: Codable {}
extension CDNAttributionMethod: Codable, CodingKeyRepresentable {}
extension CDNNameSource: Codable, CodingKeyRepresentable {}
extension CDNSummary: Codable {}
