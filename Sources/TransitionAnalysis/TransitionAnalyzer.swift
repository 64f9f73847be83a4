import CaptureCore
import PacketDecoding
import TrafficAnalysis

/// The transition analysis (docs/transition.md): per packet, the mechanism census, the NAT64
/// prefixes of RA PREF64 options and the link-layer bindings of devices; per finished DNS
/// transaction, names, DNS64 and RFC 7050 prefix learning and Happy Eyeballs lookups; per
/// finished connection record, mechanisms, devices, race attempts and the IPv6-preferred share.
///
/// It runs beside `AnalyzerSet` (which it does not change): the caller feeds it each packet
/// after the pipeline decoded it, then the records the pipeline finished (`CaptureFileJob`
/// does this). Several captures can go through one analyzer one after another; their devices,
/// names and races are then joined.
public struct TransitionAnalyzer: Sendable {
    public let options: TransitionOptions
    public var classifier: MechanismClassifier
    public var nat64: NAT64PrefixBook
    public var census = MechanismCensus()
    public var bindings: DeviceBindings
    public var races: HappyEyeballsRaces
    public var names: DestinationNames
    public var activity: [DeviceKey: DeviceActivity] = [:]
    public var droppedDevices: UInt64 = 0
    /// PREF64 options waiting for their RA sender to be shown to be the LAN's router: prefix,
    /// sender MAC (at most `maxPendingPREF64`; further ones are refused at once).
    /// `expires`: the RA's time plus its lifetime (RFC 8781 section 4).
    public var pendingPREF64: [(prefix: IPPrefix, mac: UInt64, expires: Int64)] = []
    public static let maxPendingPREF64 = 8
    @usableFromInline var seenConfirmations: UInt64 = 0
    /// PREF64 options refused because their sender was not (or could not be) shown to be the router.
    public var refusedPREF64 = 0
    /// AAAA answer addresses that lay, at the time of an answer, in a NAT64 prefix that applied
    /// then (DNS64 synthesis; at most `maxSynthesized`, further ones counted in `droppedSynthesized`).
    public var synthesizedAnswers = Set<IPAddress>()
    public var droppedSynthesized: UInt64 = 0
    public static let maxSynthesized = 1 << 18
    /// RS, RA, NS and NA messages discarded for their hop limit or code
    /// (`DeviceBindings.neighborDiscoveryHeaderIsValid`, RFC 4861 sections 6.1.1-7.1.2).
    public var invalidNDMessages: UInt64 = 0
    /// PREF64 options in an ICMPv6 message other than a Router Advertisement (not used).
    public var pref64OutsideRA: UInt64 = 0
    /// ipv4only.arpa AAAA answers whose prefix position was ambiguous (RFC 7050 section 3).
    public var ipv4onlyAmbiguous: UInt64 = 0
    /// Packets stamped earlier than the packet read before them.
    public var backwardTimestamps: UInt64 = 0
    @usableFromInline var previousTimestamp: Int64 = .min

    public init(options: TransitionOptions = TransitionOptions()) {
        self.options = options
        classifier = MechanismClassifier(options: options)
        nat64 = NAT64PrefixBook(configured: options.nat64Prefixes, localPrefixes: options.localPrefixes,
                                learnDocumentationPrefixes: options.learnDocumentationPrefixes)
        bindings = DeviceBindings(maxBindings: options.maxBindings, localPrefixes: options.localPrefixes)
        races = HappyEyeballsRaces(window: options.raceWindow, maxRaces: options.maxRaces)
        names = DestinationNames(maxNames: options.maxNames)
    }

    // MARK: Per packet

    /// One packet, after the pipeline decoded it. `packet` is `inout` only so the ~270-byte value
    /// is passed by address down to the per-packet steps (by value, each call from memory copied
    /// it: `PacketAnalyzer.add`); nothing changes it.
    @inlinable
    public mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket) {
        if record.timestamp < previousTimestamp { backwardTimestamps &+= 1 }
        previousTimestamp = record.timestamp
        if record.timestamp >= nat64.nextExpiry { nat64.expire(at: record.timestamp) }
        // An ND message with a hop limit other than 255 or a code other than 0 is discarded
        // (RFC 4861): no binding, no router, no local source, no PREF64; counted.
        let ndValid = DeviceBindings.neighborDiscoveryHeaderIsValid(record.bytes, &packet) ?? true
        if !ndValid { invalidNDMessages &+= 1 }
        bindings.add(record, &packet, ndValid: ndValid, nat64: &nat64)
        noteLocalSources(&packet, ndValid: ndValid)
        if ndValid, let p = packet.pref64Prefix, let lifetime = packet.pref64LifetimeSeconds {
            // RFC 8781 section 4: the PREF64 option is an option of Router Advertisements; in any
            // other ICMPv6 message (RS, NS, NA, Redirect, a quoted RA) it is not used, and counted.
            if packet.icmpFamily == .v6 && packet.icmpType == 134 {
                learnPREF64(p, lifetime: lifetime, record: record, packet: packet)
            } else {
                pref64OutsideRA &+= 1
            }
        }
        if !pendingPREF64.isEmpty && bindings.forwarderConfirmations != seenConfirmations {
            confirmPendingPREF64(time: record.timestamp)
        }
        census.add(record, &packet, classifier: &classifier, nat64: &nat64)
    }

    /// `add` for a packet held by value (the live worker, tests; it copies the packet once).
    @inlinable
    public mutating func add(_ record: PacketRecord, _ packet: DecodedPacket) {
        var p = packet
        add(record, &p)
    }

    /// Local IPv6 hosts as far as one packet tells (so a learnt NAT64 prefix never covers
    /// them): the source of a TCP SYN without ACK (a connection's originator) and the global
    /// source of a Neighbor Discovery message (on-link by construction, RFC 4861 hop limit 255).
    @inlinable mutating func noteLocalSources(_ packet: inout DecodedPacket, ndValid: Bool) {
        if let t = packet.transport, t.protocolNumber == 6, t.tcpFlags & 0x12 == 0x02, t.ipLayerIndex < packet.ipLayers.count,
           let a = packet.ipLayers[t.ipLayerIndex].source, a.family == .v6 {
            nat64.noteLocal(a)
        } else if ndValid, packet.icmpFamily == .v6, let type = packet.icmpType, type >= 133 && type <= 136,
                  let a = packet.ipLayers.first?.source {
            nat64.noteLocal(a)
        }
    }

    /// RFC 8781 PREF64, used only from the LAN's router: the RA's IPv6 source must be
    /// link-local (RFC 4861 section 6.1.2) and its Ethernet source MAC must meet the router
    /// rule (`DeviceBindings.isForwarder`); until it does, the option waits in `pendingPREF64`
    /// and is learnt when the sender qualifies (at that time, unless its lifetime ran out by
    /// then). Without an Ethernet header the sender cannot be checked and the option is refused.
    /// RFC 8781 section 4: the prefix applies for `lifetime` seconds from the RA (a later RA
    /// sets a new lifetime); lifetime 0 withdraws it from then (from a qualifying sender; a
    /// waiting option of that prefix and sender is dropped).
    @usableFromInline mutating func learnPREF64(_ p: (high: UInt64, low: UInt64, length: Int), lifetime: Int, record: PacketRecord, packet: DecodedPacket) {
        let prefix = IPPrefix(containing: IPAddress(v6High: p.high, low: p.low), length: p.length)
        let time = record.timestamp
        guard case .ethernet = record.linkType, let source = packet.ipLayers.first?.source, AddressClass(source) == .ipv6LinkLocal,
              let mac = DeviceBindings.sourceMAC(record.bytes) else { if lifetime > 0 { refusedPREF64 += 1 }; return }
        if lifetime == 0 {
            pendingPREF64.removeAll { $0.prefix == prefix && $0.mac == mac }
            if bindings.isForwarder(mac) { nat64.withdrawPREF64(prefix, at: time) }
            return
        }
        let expires = time &+ Int64(lifetime) &* 1_000_000_000
        if bindings.isForwarder(mac) {
            nat64.learn(prefix, source: .pref64, at: time)
            nat64.setPREF64Expiry(prefix, at: expires)
            return
        }
        if let i = pendingPREF64.firstIndex(where: { $0.prefix == prefix && $0.mac == mac }) { pendingPREF64[i].expires = expires; return }
        guard pendingPREF64.count < Self.maxPendingPREF64 else { refusedPREF64 += 1; return }
        pendingPREF64.append((prefix, mac, expires))
    }

    @usableFromInline mutating func confirmPendingPREF64(time: Int64) {
        seenConfirmations = bindings.forwarderConfirmations
        var kept: [(prefix: IPPrefix, mac: UInt64, expires: Int64)] = []
        for p in pendingPREF64 {
            guard bindings.isForwarder(p.mac) else { kept.append(p); continue }
            // Lifetime over before the sender qualified: never applied.
            guard p.expires > time else { refusedPREF64 += 1; continue }
            nat64.learn(p.prefix, source: .pref64, at: time)
            nat64.setPREF64Expiry(p.prefix, at: p.expires)
        }
        pendingPREF64 = kept
    }

    // MARK: Per record

    /// A finished DNS transaction (only A/AAAA questions of class IN to port 53 are used).
    public mutating func add(dns t: DNSTransaction) {
        guard t.serverPort == 53, t.qtype == 1 || t.qtype == 28, t.qclass == 1 else { return }
        var addresses: [IPAddress] = []
        if t.status == .answered, t.rcode == 0 {
            addresses.reserveCapacity(t.answers.count)
            for rr in t.answers {
                switch rr.data {
                case .a(let a) where t.qtype == 1: addresses.append(a)
                case .aaaa(let a) where t.qtype == 28: addresses.append(a)
                default: break
                }
            }
        }
        let time = t.responseTimestamp ?? t.queryTimestamp
        // The DNS client is a local host: no learnt NAT64 prefix may cover it.
        nat64.noteLocal(t.client)
        // RFC 7050 section 3: the NAT64 prefix from the ipv4only.arpa AAAA answers.
        if t.qname == "ipv4only.arpa" && t.qtype == 28 {
            let found = NAT64PrefixBook.prefixesFromIPv4onlyAnswers(addresses)
            ipv4onlyAmbiguous &+= UInt64(found.ambiguous)
            for p in found.prefixes { nat64.learn(p, source: .ipv4onlyArpa, at: time) }
        }
        // The name is hashed once for the whole transaction (names change only at the update).
        let nameIndex = names.index(of: t.qname)
        let known = nameIndex.map { names[at: $0] }
        // DNS64 recognised from the answers: a AAAA embedding an A answer of the same name,
        // used once corroborated (`NAT64PrefixBook.dns64Corroboration`).
        if t.qtype == 28, let aList = known?.aAddresses, !aList.isEmpty {
            for a in addresses where !nat64.contains(a, at: time) { corroborateDNS64(a, anyOf: aList, time: time ?? 0) }
        } else if t.qtype == 1, let aaaaList = known?.aaaaAddresses, !aaaaList.isEmpty, !addresses.isEmpty {
            for a in aaaaList where !nat64.contains(a, at: time) { corroborateDNS64(a, anyOf: addresses, time: time ?? 0) }
        }
        // Synthesized: in a prefix that applies at the answer's time.
        if t.qtype == 28 {
            for a in addresses where nat64.contains(a, at: time) && !synthesizedAnswers.contains(a) {
                if synthesizedAnswers.count < Self.maxSynthesized { synthesizedAnswers.insert(a) } else { droppedSynthesized &+= 1 }
            }
        }
        let empty = t.status == .answered && t.rcode == 0 && addresses.isEmpty
        names.update(t.qname, at: nameIndex) { n in
            if t.qtype == 1 { n.aQueries += 1 } else { n.aaaaQueries += 1 }
            for a in addresses {
                if a.family == .v4 { if !n.aAddresses.contains(a) && n.aAddresses.count < 16 { n.aAddresses.append(a) } }
                else if !n.aaaaAddresses.contains(a) && n.aaaaAddresses.count < 16 { n.aaaaAddresses.append(a) }
            }
            if empty && t.qtype == 28 { n.aaaaEmptyAnswers += 1 }
        }
        races.add(t, device: bindings.device(of: t.client), addresses: addresses)
    }

    mutating func corroborateDNS64(_ aaaa: IPAddress, anyOf aList: [IPAddress], time: Int64) {
        guard let p = NAT64PrefixBook.prefixEmbedding(aaaa, anyOf: aList),
              let v4 = NAT64Embedding.ipv4(in: aaaa, prefixLength: p.length),
              NAT64PrefixBook.isForwardableIPv4(v4.v4Value) else { return }
        nat64.corroborateDNS64(p, ipv4: v4, at: time)
    }

    /// An AAAA answer address counted as synthesized: it lay in an applicable NAT64 prefix when
    /// answered, or (past the `maxSynthesized` cap) lies in a configured prefix.
    public func isSynthesized(_ a: IPAddress) -> Bool {
        synthesizedAnswers.contains(a) || nat64.contains(a, at: .min)
    }

    /// A finished connection record.
    public mutating func add(connection c: ConnectionRecord) {
        let m = census.add(connection: c, classifier: classifier, nat64: nat64)
        let device = bindings.device(of: c.originator)
        let isDNS = c.responderPort == 53 || c.originatorPort == 53
        let transportWithPorts = c.transportProtocol == 6 || c.transportProtocol == 17

        // Names: the responder was answered to this device for a name. Only connections that
        // were used count towards names and the IPv6-preferred share (`Self.wasUsed`).
        var raceNameIndex: Int? = nil
        let used = Self.wasUsed(c)
        if transportWithPorts && !isDNS {
            raceNameIndex = races.races(of: device, address: c.responder).last
            if let i = raceNameIndex, used {
                let name = races.races[i].name
                names.update(name) { n in
                    if m.isTranslated { n.connectionsTranslated += 1 }
                    else if c.family == .v6 { n.connectionsV6 += 1 } else { n.connectionsV4 += 1 }
                }
            }
        }
        // Race attempts: TCP connections opened in the capture, and UDP 443 (QUIC).
        var raceIndex: Int? = nil
        // The "S" of the history, read from its codes (`historyHasOriginatorSYN`).
        let isAttempt = (c.transportProtocol == 6 && !c.startedBeforeCapture && Self.historyHasOriginatorSYN(c.historyCodes))
            || (c.transportProtocol == 17 && c.responderPort == 443)
        if isAttempt && raceNameIndex != nil {
            let established: Bool
            var completed: Int64? = nil
            if c.transportProtocol == 6 {
                established = Self.handshakeCompleted(c)
                if established { completed = c.firstTimestamp &+ (c.initialRTT ?? c.synToSynAck ?? 0) }
            } else {
                established = c.responderTraffic.packets > 0
                if established { completed = c.firstTimestamp }
            }
            let attempt = RaceAttempt(family: c.family, mechanism: m, transportProtocol: c.transportProtocol, responder: c.responder,
                                      start: c.firstTimestamp, established: established, completedAt: completed,
                                      payloadBytes: c.originatorPayloadBytes &+ c.responderPayloadBytes, state: c.state, connectionID: c.id)
            raceIndex = races.add(attempt: attempt, device: device)
        }

        // Devices: originators (inside --local-prefix when given).
        guard isLocalOriginator(c.originator) else { return }
        // One hash of the key for a known device (updated in place through its index).
        var slot = activity.index(forKey: device)
        if slot == nil {
            guard activity.count < options.maxDevices else { droppedDevices &+= 1; return }
            activity[device] = DeviceActivity(firstConnection: c.firstTimestamp)
            slot = activity.index(forKey: device)
        }
        let ownTraffic = Self.isGlobalEnd(c.originator) && Self.isGlobalEnd(c.responder)
        let eligible = used && (raceNameIndex.map { isEligible(races.races[$0].name) } ?? false)
        activity.values[slot!].update(c, mechanism: m, ownTraffic: ownTraffic, eligible: eligible, raceAttempt: raceIndex != nil)
    }

    /// The history has an "S" (the originator's SYN), read from the codes: `c.history` built
    /// the string for every record (~330 instructions) to search one letter. Code 1 is the
    /// originator's first event, written "S" by `ConnectionHistory.text` (the responder's, 9,
    /// is "s").
    static func historyHasOriginatorSYN(_ h: ConnectionHistory) -> Bool {
        for i in 0..<Int(h.length) where (h.codes >> (4 * UInt64(i))) & 0xf == 1 { return true }
        return false
    }

    /// A connection that was used: the TCP handshake completed (conn_state S1, SF, S2, S3, RSTO,
    /// RSTR) or, for UDP, the responder answered; and transport payload went at least one way.
    static func wasUsed(_ c: ConnectionRecord) -> Bool {
        let established = c.transportProtocol == 6 ? Self.handshakeCompleted(c) : c.responderTraffic.packets > 0
        return established && c.originatorPayloadBytes &+ c.responderPayloadBytes > 0
    }

    /// conn_state S1, SF, S2, S3, RSTO or RSTR: the TCP handshake completed.
    static func handshakeCompleted(_ c: ConnectionRecord) -> Bool {
        switch c.state.outcome {
        case .established, .reset: true
        default: false
        }
    }

    /// Originators that make devices: inside `--local-prefix` (or link-local) when prefixes are
    /// given; otherwise every originator except the unspecified address.
    func isLocalOriginator(_ a: IPAddress) -> Bool {
        let cls = AddressClass(a)
        if cls == .ipv4ThisNetwork || cls == .ipv6Unspecified { return false }
        if options.localPrefixes.isEmpty { return true }
        if cls == .ipv4LinkLocal || cls == .ipv6LinkLocal { return true }
        return options.localPrefixes.contains { $0.contains(a) }
    }

    /// An end that is a unicast, non-link-local, non-loopback address.
    static func isGlobalEnd(_ a: IPAddress) -> Bool {
        let cls = AddressClass(a)
        guard cls.isHost else { return false }
        switch cls {
        case .ipv4LinkLocal, .ipv6LinkLocal, .ipv4Loopback, .ipv6Loopback: return false
        default: return true
        }
    }

    /// A name with an A answer and a non-synthesized AAAA answer (so far).
    func isEligible(_ name: String) -> Bool {
        guard let n = names[name], !n.aAddresses.isEmpty else { return false }
        return n.aaaaAddresses.contains { !isSynthesized($0) }
    }
}

extension DeviceActivity {
    mutating func update(_ c: ConnectionRecord, mechanism m: TransitionMechanism, ownTraffic: Bool, eligible: Bool, raceAttempt: Bool) {
        if c.firstTimestamp < firstConnection { firstConnection = c.firstTimestamp }
        mechanisms |= 1 << UInt16(m.rawValue)
        if !originatorAddresses.contains(c.originator) && originatorAddresses.count < 64 { originatorAddresses.append(c.originator) }
        if !ownTraffic { connectionsLocalOnly += 1 }
        else if m.isTranslated { connectionsTranslated += 1 }
        else if c.family == .v6 { connectionsV6Native += 1 }
        else { connectionsV4 += 1 }
        if eligible && ownTraffic {
            eligibleConnections += 1
            if c.family == .v6 && !m.isTranslated { eligibleIPv6 += 1 }
        }
        if raceAttempt && c.family == .v6 {
            raceAttemptsV6 += 1
            let established = c.transportProtocol == 6 ? TransitionAnalyzer.handshakeCompleted(c) : c.responderTraffic.packets > 0
            if established { raceAttemptsV6Established += 1 }
        }
    }
}
