import Foundation
import PacketDecoding
import TrafficAnalysis

/// The JSON form of `TransitionState` (the `transition` member of a state file,
/// docs/state-format.md "The transition section"). Addresses and prefixes are text (RFC 5952 for
/// IPv6, dotted quad for IPv4), MACs 48-bit integers, times nanoseconds since the epoch. Every
/// list is written sorted, so equal states give equal bytes. Decoding checks every address,
/// prefix, mechanism and source name and throws `DecodingError.dataCorrupted` on a bad one.
extension TransitionState: Codable, Equatable {
    struct Limits: Codable { var bindings, devices, names, races: Int }
    struct Binding: Codable { var mac: UInt64; var address: String; var first, last: Int64; var packets: UInt64; var frame: Bool }
    struct OwnerJSON: Codable { var address: String; var mac: UInt64; var explicit: Bool; var since: Int64 }
    struct Device: Codable {
        var mac: UInt64?; var address: String?; var floating: Bool
        var first_connection: Int64
        var v4, v6_native, translated, local_only: Int
        var mechanisms: UInt16
        var eligible, eligible_v6, race_attempts_v6, race_attempts_v6_established: Int
        var originators: [String]
    }
    struct Census: Codable {
        var packets, bytes, connections: [UInt64]
        var cgn_packets, ds_lite_b4_packets, non_ip_packets: UInt64
        var cgn_originators: [UInt32]
    }
    struct Prefix: Codable { var prefix: String; var source: String; var learnt_at, until, expires_at: Int64? }
    struct Name: Codable {
        var name: String; var a_queries, aaaa_queries, aaaa_empty: Int; var a, aaaa: [String]
        var v4, v6, translated: Int
    }
    struct Attempt: Codable {
        var v6: Bool; var mechanism: UInt8; var proto: UInt8; var responder: String; var start: Int64
        var established: Bool; var completed_at: Int64?; var payload: UInt64; var state: ConnState; var id: UInt64
    }
    struct Race: Codable {
        var mac: UInt64?; var address: String?; var floating: Bool; var name: String; var start: Int64
        var a_query, a_answer, aaaa_query, aaaa_answer: Int64?
        var a, aaaa: [String]; var attempts: [Attempt]; var dropped_attempts: Int
    }
    struct Counters: Codable {
        var races, names, bindings, devices, synthesized_answers: UInt64
        var invalid_nd, pref64_outside_ra, ipv4only_ambiguous, backward_timestamps: UInt64
        var malformed_options, binding_conflicts, options_past_limit, relays_too_deep, reply_addresses_past_limit: UInt64
        var dhcpv6_wrong_ports, dhcpv6_fragments, dhcpv6_nat64_addresses, extra_pref64_options: UInt64
        var nat64_table_full, nat64_evicted, nat64_special_purpose, nat64_covers_local, nat64_withdrawn_local: Int
        var nat64_local_table_full, nat64_pref64_not_from_router, nat64_dns64_uncorroborated: Int
    }

    enum CodingKeys: String, CodingKey {
        case limits, localPrefixes = "local_prefixes", bindings, owners, routerAdvertisers = "router_advertisers", devices, census,
             prefixes, names, races, synthesized, counters
    }

    static func address(_ text: String, _ path: [CodingKey]) throws -> IPAddress {
        guard let p = IPPrefix(text + (text.contains(":") ? "/128" : "/32")) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "'\(text)' is not an IP address"))
        }
        return p.address
    }

    static func prefix(_ text: String, _ path: [CodingKey]) throws -> IPPrefix {
        guard let p = IPPrefix(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "'\(text)' is not a prefix"))
        }
        return p
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Limits(bindings: maxBindings, devices: maxDevices, names: maxNames, races: maxRaces), forKey: .limits)
        try c.encode(localPrefixes.map(\.description), forKey: .localPrefixes)
        try c.encode(bindings.sorted { ($0.key.mac, $0.key.address) < ($1.key.mac, $1.key.address) }.map {
            Binding(mac: $0.key.mac, address: $0.key.address.description, first: $0.value.first, last: $0.value.last,
                    packets: $0.value.packets, frame: $0.value.fromFrame)
        }, forKey: .bindings)
        try c.encode(owners.sorted { $0.key < $1.key }.flatMap { a, list in
            list.map { OwnerJSON(address: a.description, mac: $0.mac, explicit: $0.explicit, since: $0.since) }
        }, forKey: .owners)
        try c.encode(routerAdvertisers.sorted(), forKey: .routerAdvertisers)
        try c.encode(activity.sorted { $0.key < $1.key }.map { slot, a in
            Device(mac: slot.key.mac, address: slot.key.address?.description, floating: slot.floating, first_connection: a.firstConnection,
                   v4: a.connectionsV4, v6_native: a.connectionsV6Native, translated: a.connectionsTranslated,
                   local_only: a.connectionsLocalOnly, mechanisms: a.mechanisms, eligible: a.eligibleConnections,
                   eligible_v6: a.eligibleIPv6, race_attempts_v6: a.raceAttemptsV6,
                   race_attempts_v6_established: a.raceAttemptsV6Established, originators: a.originatorAddresses.map(\.description))
        }, forKey: .devices)
        try c.encode(Census(packets: census.counts.map(\.packets), bytes: census.counts.map(\.bytes),
                            connections: census.counts.map(\.connections), cgn_packets: census.cgnPackets,
                            ds_lite_b4_packets: census.dsLiteB4AddressedPackets, non_ip_packets: census.nonIPPackets,
                            cgn_originators: census.cgnOriginators.sorted()), forKey: .census)
        try c.encode(prefixes.map {
            Prefix(prefix: $0.prefix.description, source: $0.source.rawValue, learnt_at: $0.learntAt, until: $0.until, expires_at: $0.expiresAt)
        }, forKey: .prefixes)
        try c.encode(names.sorted { $0.key < $1.key }.map { name, n in
            Name(name: name, a_queries: n.aQueries, aaaa_queries: n.aaaaQueries, aaaa_empty: n.aaaaEmptyAnswers,
                 a: n.aAddresses.map(\.description), aaaa: n.aaaaAddresses.map(\.description),
                 v4: n.connectionsV4, v6: n.connectionsV6, translated: n.connectionsTranslated)
        }, forKey: .names)
        try c.encode(races.map { r, floating in
            Race(mac: r.device.mac, address: r.device.address?.description, floating: floating, name: r.name, start: r.start,
                 a_query: r.aQuery, a_answer: r.aAnswer, aaaa_query: r.aaaaQuery, aaaa_answer: r.aaaaAnswer,
                 a: r.aAddresses.map(\.description), aaaa: r.aaaaAddresses.map(\.description),
                 attempts: r.attempts.map {
                     Attempt(v6: $0.family == .v6, mechanism: $0.mechanism.rawValue, proto: $0.transportProtocol,
                             responder: $0.responder.description, start: $0.start, established: $0.established,
                             completed_at: $0.completedAt, payload: $0.payloadBytes, state: $0.state, id: $0.connectionID)
                 }, dropped_attempts: r.droppedAttempts)
        }, forKey: .races)
        try c.encode(synthesizedAnswers.sorted().map(\.description), forKey: .synthesized)
        let a = anomalies, d = nat64Drops
        try c.encode(Counters(
            races: droppedRaces, names: droppedNames, bindings: droppedBindings, devices: droppedDevices,
            synthesized_answers: droppedSynthesized, invalid_nd: invalidNDMessages, pref64_outside_ra: pref64OutsideRA,
            ipv4only_ambiguous: ipv4onlyAmbiguous, backward_timestamps: backwardTimestamps,
            malformed_options: a.malformedOptions, binding_conflicts: a.bindingConflicts, options_past_limit: a.optionsPastLimit,
            relays_too_deep: a.relaysTooDeep, reply_addresses_past_limit: a.replyAddressesPastLimit,
            dhcpv6_wrong_ports: a.dhcpv6WrongPorts, dhcpv6_fragments: a.dhcpv6Fragments,
            dhcpv6_nat64_addresses: a.dhcpv6NAT64Addresses, extra_pref64_options: a.extraPREF64Options,
            nat64_table_full: d.tableFull, nat64_evicted: d.evicted, nat64_special_purpose: d.specialPurpose,
            nat64_covers_local: d.coversLocal, nat64_withdrawn_local: d.withdrawnCoversLocal,
            nat64_local_table_full: d.localTableFull, nat64_pref64_not_from_router: d.pref64NotFromRouter,
            nat64_dns64_uncorroborated: d.dns64Uncorroborated), forKey: .counters)
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let path = c.codingPath
        let limits = try c.decode(Limits.self, forKey: .limits)
        maxBindings = limits.bindings; maxDevices = limits.devices; maxNames = limits.names; maxRaces = limits.races
        localPrefixes = try c.decode([String].self, forKey: .localPrefixes).map { try Self.prefix($0, path) }
        for b in try c.decode([Binding].self, forKey: .bindings) {
            bindings[BindingKey(mac: b.mac, address: try Self.address(b.address, path))] =
                BindingState(first: b.first, last: b.last, packets: b.packets, fromFrame: b.frame)
        }
        for o in try c.decode([OwnerJSON].self, forKey: .owners) {
            owners[try Self.address(o.address, path), default: []].append(Owner(mac: o.mac, explicit: o.explicit, since: o.since))
        }
        routerAdvertisers = Set(try c.decode([UInt64].self, forKey: .routerAdvertisers))
        for d in try c.decode([Device].self, forKey: .devices) {
            let key = DeviceKey(mac: d.mac, address: try d.address.map { try Self.address($0, path) })
            var a = DeviceActivity(firstConnection: d.first_connection)
            a.connectionsV4 = d.v4; a.connectionsV6Native = d.v6_native; a.connectionsTranslated = d.translated
            a.connectionsLocalOnly = d.local_only; a.mechanisms = d.mechanisms
            a.eligibleConnections = d.eligible; a.eligibleIPv6 = d.eligible_v6
            a.raceAttemptsV6 = d.race_attempts_v6; a.raceAttemptsV6Established = d.race_attempts_v6_established
            a.originatorAddresses = try d.originators.map { try Self.address($0, path) }
            activity[DeviceSlot(key: key, floating: d.floating)] = a
        }
        let cs = try c.decode(Census.self, forKey: .census)
        let n = TransitionMechanism.allCases.count
        guard cs.packets.count == n, cs.bytes.count == n, cs.connections.count == n else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "census: \(n) mechanisms expected"))
        }
        for i in 0..<n {
            census.counts[i].packets = cs.packets[i]; census.counts[i].bytes = cs.bytes[i]; census.counts[i].connections = cs.connections[i]
        }
        census.cgnPackets = cs.cgn_packets; census.dsLiteB4AddressedPackets = cs.ds_lite_b4_packets
        census.nonIPPackets = cs.non_ip_packets; census.cgnOriginators = Set(cs.cgn_originators)
        prefixes = try c.decode([Prefix].self, forKey: .prefixes).map { p in
            guard let source = NAT64PrefixSource(rawValue: p.source) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "unknown prefix source '\(p.source)'"))
            }
            return NAT64Prefix(prefix: try Self.prefix(p.prefix, path), source: source, learntAt: p.learnt_at, until: p.until, expiresAt: p.expires_at)
        }
        for m in try c.decode([Name].self, forKey: .names) {
            var s = NameState()
            s.aQueries = m.a_queries; s.aaaaQueries = m.aaaa_queries; s.aaaaEmptyAnswers = m.aaaa_empty
            s.aAddresses = try m.a.map { try Self.address($0, path) }
            s.aaaaAddresses = try m.aaaa.map { try Self.address($0, path) }
            s.connectionsV4 = m.v4; s.connectionsV6 = m.v6; s.connectionsTranslated = m.translated
            names[m.name] = s
        }
        races = try c.decode([Race].self, forKey: .races).map { r in
            var race = RaceState(device: DeviceKey(mac: r.mac, address: try r.address.map { try Self.address($0, path) }), name: r.name, start: r.start)
            race.aQuery = r.a_query; race.aAnswer = r.a_answer; race.aaaaQuery = r.aaaa_query; race.aaaaAnswer = r.aaaa_answer
            race.aAddresses = try r.a.map { try Self.address($0, path) }
            race.aaaaAddresses = try r.aaaa.map { try Self.address($0, path) }
            race.attempts = try r.attempts.map { t in
                guard let m = TransitionMechanism(rawValue: t.mechanism) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "unknown mechanism \(t.mechanism)"))
                }
                return RaceAttempt(family: t.v6 ? .v6 : .v4, mechanism: m, transportProtocol: t.proto, responder: try Self.address(t.responder, path),
                                   start: t.start, established: t.established, completedAt: t.completed_at, payloadBytes: t.payload,
                                   state: t.state, connectionID: t.id)
            }
            race.droppedAttempts = r.dropped_attempts
            return (race, r.floating)
        }
        synthesizedAnswers = Set(try c.decode([String].self, forKey: .synthesized).map { try Self.address($0, path) })
        let k = try c.decode(Counters.self, forKey: .counters)
        droppedRaces = k.races; droppedNames = k.names; droppedBindings = k.bindings; droppedDevices = k.devices
        droppedSynthesized = k.synthesized_answers; invalidNDMessages = k.invalid_nd; pref64OutsideRA = k.pref64_outside_ra
        ipv4onlyAmbiguous = k.ipv4only_ambiguous; backwardTimestamps = k.backward_timestamps
        anomalies.malformedOptions = k.malformed_options; anomalies.bindingConflicts = k.binding_conflicts
        anomalies.optionsPastLimit = k.options_past_limit; anomalies.relaysTooDeep = k.relays_too_deep
        anomalies.replyAddressesPastLimit = k.reply_addresses_past_limit; anomalies.dhcpv6WrongPorts = k.dhcpv6_wrong_ports
        anomalies.dhcpv6Fragments = k.dhcpv6_fragments; anomalies.dhcpv6NAT64Addresses = k.dhcpv6_nat64_addresses
        anomalies.extraPREF64Options = k.extra_pref64_options
        nat64Drops.tableFull = k.nat64_table_full; nat64Drops.evicted = k.nat64_evicted
        nat64Drops.specialPurpose = k.nat64_special_purpose; nat64Drops.coversLocal = k.nat64_covers_local
        nat64Drops.withdrawnCoversLocal = k.nat64_withdrawn_local; nat64Drops.localTableFull = k.nat64_local_table_full
        nat64Drops.pref64NotFromRouter = k.nat64_pref64_not_from_router; nat64Drops.dns64Uncorroborated = k.nat64_dns64_uncorroborated
    }

    /// Equal when their JSON forms are (every list sorted, so this is equality of content).
    public static func == (a: TransitionState, b: TransitionState) -> Bool {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return (try? e.encode(a)) == (try? e.encode(b))
    }
}
