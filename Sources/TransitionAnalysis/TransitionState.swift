import PacketDecoding
import TrafficAnalysis

/// Everything `TransitionAnalyzer.finish()` reads, taken out of the analyzer at the end of one
/// input (`TransitionAnalyzer.state()`), so that the analyses of many inputs merge into one
/// summary (`merged(_:)`, then `finish()`): the transition section of a state file
/// (docs/state-format.md, docs/transition.md "Several inputs").
///
/// Merge rules (each associative and commutative; a state merged with nothing is unchanged):
/// * counters (census packets/bytes/connections per mechanism, hints, every `dropped` count) add;
/// * bindings unite per (MAC, address): first = min, last = max, packets add, from-frame = or;
///   the router rule is evaluated at `finish()` on the united frame bindings;
/// * the owner of an address (`owners`) keeps every claimant MAC; `finish()` picks the one an
///   explicit binding named, then the one whose binding was seen first, then the lowest MAC;
/// * device activity unites per device slot (counts add, first connection = min, mechanisms =
///   or, originator addresses = the 64 lowest of the union); an address-only device whose address
///   had no MAC in its own input (`DeviceSlot.floating`) joins the MAC that owns the address in the
///   merged bindings at `finish()`;
/// * races are kept as they are (a race lies in one input) and their devices resolved like
///   device slots;
/// * names unite (counters add, answered addresses = the 16 lowest of the union per family);
/// * NAT64 prefixes unite (highest-ranked source, earliest learning time); synthesized AAAA
///   answers and CGN originators unite.
/// Past a cap (bindings, devices, names, races, synthesized answers, CGN originators, prefixes)
/// a merge keeps the lowest entries and counts the rest in the matching `dropped` member.
public struct TransitionState: Sendable {
    /// A device as the analysis of one input saw it. `floating`: an address-only device whose
    /// address had no MAC binding anywhere in that input (so another input's binding may name its
    /// MAC); false for MAC devices and for address-only devices whose address got a MAC only
    /// after the connection finished (one pass keeps those apart, and so does the merge).
    public struct DeviceSlot: Hashable, Sendable, Comparable {
        public var key: DeviceKey
        public var floating: Bool
        public static func < (a: DeviceSlot, b: DeviceSlot) -> Bool { (a.key, a.floating ? 1 : 0) < (b.key, b.floating ? 1 : 0) }
    }

    /// One MAC claiming an address: whether an explicit binding (ARP, ND, DHCP) made it the
    /// owner, and the first time of its binding (ns; `Int64.max` when the binding was not kept).
    public struct Owner: Sendable, Equatable {
        public var mac: UInt64
        public var explicit: Bool
        public var since: Int64
    }

    /// `--local-prefix` (router rule: addresses outside them).
    public var localPrefixes: [IPPrefix] = []
    /// Caps of the analysis (`TransitionOptions`), applied again when states merge.
    public var maxBindings = 1 << 20, maxDevices = 1 << 18, maxNames = 1 << 18, maxRaces = 1 << 18

    public var bindings: [BindingKey: BindingState] = [:]
    public var owners: [IPAddress: [Owner]] = [:]
    public var routerAdvertisers = Set<UInt64>()
    public var activity: [DeviceSlot: DeviceActivity] = [:]
    public var census = MechanismCensus()
    /// Every known prefix, in the order of the input's prefix book (well-known, local-use,
    /// configured, then learnt).
    public var prefixes: [NAT64Prefix] = []
    /// Prefix drops with the end-of-input counts folded in (unconfirmed PREF64 options,
    /// uncorroborated DNS64 candidates).
    public var nat64Drops = NAT64PrefixDrops()
    public var names: [String: NameState] = [:]
    public var races: [(race: RaceState, floating: Bool)] = []
    public var synthesizedAnswers = Set<IPAddress>()
    public var droppedRaces: UInt64 = 0, droppedNames: UInt64 = 0, droppedBindings: UInt64 = 0
    public var droppedDevices: UInt64 = 0, droppedSynthesized: UInt64 = 0
    public var anomalies = BindingAnomalies()
    public var invalidNDMessages: UInt64 = 0, pref64OutsideRA: UInt64 = 0, ipv4onlyAmbiguous: UInt64 = 0
    public var backwardTimestamps: UInt64 = 0

    public init() {}

    /// The state of an analysis that read nothing under `options` (its rank-3 NAT64 prefixes,
    /// caps and local prefixes set): what a run none of whose inputs opened merges to.
    public init(options: TransitionOptions) {
        var t = TransitionAnalyzer(options: options)
        self = t.state()
    }

    public static let maxCGNOriginators = 1 << 16
    public static let maxNameAddresses = 16
    public static let maxOriginatorAddresses = 64

    // MARK: - Merging

    /// The states of several inputs as one (`states` must come from the same settings:
    /// `CaptureState.merge` checks that). Empty input: an empty state.
    public static func merged(_ states: [TransitionState]) -> TransitionState {
        guard var total = states.first else { return TransitionState() }
        for s in states.dropFirst() { total.merge(s) }
        return total
    }

    /// Adds `other` to this state (rules in the type's documentation).
    public mutating func merge(_ o: TransitionState) {
        for (k, v) in o.bindings {
            if let mine = bindings[k] {
                bindings[k] = BindingState(first: min(mine.first, v.first), last: max(mine.last, v.last),
                                           packets: mine.packets &+ v.packets, fromFrame: mine.fromFrame || v.fromFrame)
            } else { bindings[k] = v }
        }
        if bindings.count > maxBindings {
            let keep = bindings.keys.sorted { ($0.mac, $0.address) < ($1.mac, $1.address) }.prefix(maxBindings)
            droppedBindings &+= UInt64(bindings.count - keep.count)
            bindings = Dictionary(uniqueKeysWithValues: keep.map { ($0, bindings[$0]!) })
        }
        for (a, list) in o.owners {
            var mine = owners[a] ?? []
            for c in list {
                if let i = mine.firstIndex(where: { $0.mac == c.mac }) {
                    mine[i].explicit = mine[i].explicit || c.explicit
                    mine[i].since = min(mine[i].since, c.since)
                } else { mine.append(c) }
            }
            owners[a] = mine.sorted { $0.mac < $1.mac }
        }
        routerAdvertisers.formUnion(o.routerAdvertisers)
        for (slot, a) in o.activity {
            if let mine = activity[slot] { activity[slot] = Self.combine(mine, a) } else { activity[slot] = a }
        }
        if activity.count > maxDevices {
            let keep = activity.keys.sorted { (activity[$0]!.firstConnection, $0) < (activity[$1]!.firstConnection, $1) }.prefix(maxDevices)
            droppedDevices &+= UInt64(activity.count - keep.count)
            activity = Dictionary(uniqueKeysWithValues: keep.map { ($0, activity[$0]!) })
        }
        for i in census.counts.indices {
            census.counts[i].packets &+= o.census.counts[i].packets
            census.counts[i].bytes &+= o.census.counts[i].bytes
            census.counts[i].connections &+= o.census.counts[i].connections
        }
        census.cgnPackets &+= o.census.cgnPackets
        census.dsLiteB4AddressedPackets &+= o.census.dsLiteB4AddressedPackets
        census.nonIPPackets &+= o.census.nonIPPackets
        census.cgnOriginators.formUnion(o.census.cgnOriginators)
        if census.cgnOriginators.count > Self.maxCGNOriginators {
            census.cgnOriginators = Set(census.cgnOriginators.sorted().prefix(Self.maxCGNOriginators))
        }
        mergePrefixes(o.prefixes)
        nat64Drops = Self.add(nat64Drops, o.nat64Drops)
        for (name, n) in o.names {
            if let mine = names[name] { names[name] = Self.combine(mine, n) } else { names[name] = n }
        }
        if names.count > maxNames {
            let keep = names.keys.sorted().prefix(maxNames)
            droppedNames &+= UInt64(names.count - keep.count)
            names = Dictionary(uniqueKeysWithValues: keep.map { ($0, names[$0]!) })
        }
        races += o.races
        if races.count > maxRaces {
            races.sort { ($0.race.start, $0.race.name, $0.race.device) < ($1.race.start, $1.race.name, $1.race.device) }
            droppedRaces &+= UInt64(races.count - maxRaces)
            races.removeLast(races.count - maxRaces)
        }
        synthesizedAnswers.formUnion(o.synthesizedAnswers)
        if synthesizedAnswers.count > TransitionAnalyzer.maxSynthesized {
            droppedSynthesized &+= UInt64(synthesizedAnswers.count - TransitionAnalyzer.maxSynthesized)
            synthesizedAnswers = Set(synthesizedAnswers.sorted().prefix(TransitionAnalyzer.maxSynthesized))
        }
        droppedRaces &+= o.droppedRaces; droppedNames &+= o.droppedNames; droppedBindings &+= o.droppedBindings
        droppedDevices &+= o.droppedDevices; droppedSynthesized &+= o.droppedSynthesized
        anomalies = Self.add(anomalies, o.anomalies)
        invalidNDMessages &+= o.invalidNDMessages; pref64OutsideRA &+= o.pref64OutsideRA
        ipv4onlyAmbiguous &+= o.ipv4onlyAmbiguous; backwardTimestamps &+= o.backwardTimestamps
    }

    /// Prefixes unite: one entry per prefix with the highest-ranked source and the earliest
    /// learning time (nil, "always", for rank 3). The rank-3 prefixes (the same in every state of
    /// one setting) keep their order; learnt ones follow by (learnt time, length, address). Past
    /// `NAT64PrefixBook.maxPrefixes` the lowest-ranked, latest-learnt are dropped (`tableFull`).
    mutating func mergePrefixes(_ other: [NAT64Prefix]) {
        var list = prefixes
        for p in other {
            guard let i = list.firstIndex(where: { $0.prefix == p.prefix }) else { list.append(p); continue }
            var q = list[i]
            let earlier = (p.learntAt ?? .min) < (q.learntAt ?? .min)
            if p.source.rank > q.source.rank { q.source = p.source }
            if q.source.rank == 3 { q.learntAt = nil; q.until = nil; q.expiresAt = nil }
            else if earlier { q.learntAt = p.learntAt; q.until = p.until; q.expiresAt = p.expiresAt }
            list[i] = q
        }
        let fixed = list.filter { $0.source.rank == 3 }
        var learnt = list.filter { $0.source.rank < 3 }
        learnt.sort { a, b in
            (a.learntAt ?? .min, a.prefix.length, a.prefix.address) < (b.learntAt ?? .min, b.prefix.length, b.prefix.address)
        }
        let room = max(0, NAT64PrefixBook.maxPrefixes - fixed.count)
        if learnt.count > room {
            let kept = learnt.enumerated().sorted { x, y in
                (-x.element.source.rank, x.offset) < (-y.element.source.rank, y.offset)
            }.prefix(room).map(\.offset).sorted()
            nat64Drops.tableFull += learnt.count - kept.count
            learnt = kept.map { learnt[$0] }
        }
        prefixes = fixed + learnt
    }

    /// The distinct elements of `a` and `b`, ascending, the lowest `cap` kept: the one rule for
    /// every bounded address list of the state (so a merge keeps the same entries in any order).
    static func sortedUnion<T: Hashable & Comparable>(_ a: [T], _ b: [T], keeping cap: Int) -> [T] {
        Array(Set(a).union(b).sorted().prefix(cap))
    }

    static func combine(_ a: DeviceActivity, _ b: DeviceActivity) -> DeviceActivity {
        var c = a
        c.firstConnection = min(a.firstConnection, b.firstConnection)
        c.connectionsV4 += b.connectionsV4; c.connectionsV6Native += b.connectionsV6Native
        c.connectionsTranslated += b.connectionsTranslated; c.connectionsLocalOnly += b.connectionsLocalOnly
        c.mechanisms |= b.mechanisms
        c.eligibleConnections += b.eligibleConnections; c.eligibleIPv6 += b.eligibleIPv6
        c.raceAttemptsV6 += b.raceAttemptsV6; c.raceAttemptsV6Established += b.raceAttemptsV6Established
        c.originatorAddresses = sortedUnion(a.originatorAddresses, b.originatorAddresses, keeping: maxOriginatorAddresses)
        return c
    }

    static func combine(_ a: NameState, _ b: NameState) -> NameState {
        var c = a
        c.aQueries += b.aQueries; c.aaaaQueries += b.aaaaQueries; c.aaaaEmptyAnswers += b.aaaaEmptyAnswers
        c.connectionsV4 += b.connectionsV4; c.connectionsV6 += b.connectionsV6; c.connectionsTranslated += b.connectionsTranslated
        c.aAddresses = sortedUnion(a.aAddresses, b.aAddresses, keeping: maxNameAddresses)
        c.aaaaAddresses = sortedUnion(a.aaaaAddresses, b.aaaaAddresses, keeping: maxNameAddresses)
        return c
    }

    static func add(_ a: NAT64PrefixDrops, _ b: NAT64PrefixDrops) -> NAT64PrefixDrops {
        var c = a
        c.tableFull += b.tableFull; c.evicted += b.evicted; c.specialPurpose += b.specialPurpose
        c.coversLocal += b.coversLocal; c.withdrawnCoversLocal += b.withdrawnCoversLocal; c.localTableFull += b.localTableFull
        c.pref64NotFromRouter += b.pref64NotFromRouter; c.dns64Uncorroborated += b.dns64Uncorroborated
        return c
    }

    static func add(_ a: BindingAnomalies, _ b: BindingAnomalies) -> BindingAnomalies {
        var c = a
        c.malformedOptions &+= b.malformedOptions; c.bindingConflicts &+= b.bindingConflicts
        c.optionsPastLimit &+= b.optionsPastLimit; c.relaysTooDeep &+= b.relaysTooDeep
        c.replyAddressesPastLimit &+= b.replyAddressesPastLimit; c.dhcpv6WrongPorts &+= b.dhcpv6WrongPorts
        c.dhcpv6Fragments &+= b.dhcpv6Fragments; c.dhcpv6NAT64Addresses &+= b.dhcpv6NAT64Addresses
        c.extraPREF64Options &+= b.extraPREF64Options
        return c
    }

    // MARK: - Reading the merged evidence

    /// The MAC that owns `address` (`owners`: explicit claim first, then the earliest binding,
    /// then the lowest MAC), nil when no MAC does.
    public func owner(of address: IPAddress) -> UInt64? {
        guard let list = owners[address], !list.isEmpty else { return nil }
        if list.count == 1 { return list[0].mac }
        return list.min { ($0.explicit ? 0 : 1, $0.since, $0.mac) < ($1.explicit ? 0 : 1, $1.since, $1.mac) }!.mac
    }

    /// The device of `address` in the merged bindings (`DeviceBindings.device(of:)`).
    public func device(of address: IPAddress) -> DeviceKey {
        owner(of: address).map { DeviceKey(mac: $0, address: nil) } ?? DeviceKey(mac: nil, address: address)
    }

    /// The device a slot stands for: a floating address-only slot joins the MAC that now owns
    /// its address.
    public func resolve(_ slot: DeviceSlot) -> DeviceKey {
        guard slot.floating, slot.key.mac == nil, let a = slot.key.address, let m = owner(of: a) else { return slot.key }
        return DeviceKey(mac: m, address: nil)
    }

    /// The router rule (`DeviceBindings.isForwarder`) over the frame bindings of every MAC,
    /// evaluated once: the MACs that forward.
    public func forwarders() -> Set<UInt64> {
        var evidence: [UInt64: ForwardingEvidence] = [:]
        let local = !localPrefixes.isEmpty
        for (k, v) in bindings where v.fromFrame {
            let cls = AddressClass(k.address)
            guard cls.isHost, cls != .ipv4LinkLocal, cls != .ipv6LinkLocal else { continue }
            var e = evidence[k.mac] ?? ForwardingEvidence()
            if local {
                if !localPrefixes.contains(where: { $0.contains(k.address) }) { e.outside = min(e.outside + 1, 2) }
            } else if k.address.family == .v4 {
                if cls == .ipv4Public { e.publicIPv4 = min(e.publicIPv4 + 1, 2) }
            } else {
                e.noteNet(k.address.high)
            }
            evidence[k.mac] = e
        }
        return Set(evidence.filter { DeviceBindings.forwards($0.value, local: local, advertiser: routerAdvertisers.contains($0.key)) }.keys)
    }

    /// An AAAA answer counted as synthesized (`TransitionAnalyzer.isSynthesized`): it lay in an
    /// applicable NAT64 prefix when answered, or lies in a prefix that always applies (rank 3).
    public func isSynthesized(_ a: IPAddress) -> Bool {
        if synthesizedAnswers.contains(a) { return true }
        guard a.family == .v6 else { return false }
        return prefixes.contains { $0.prefix.contains(a) && $0.applies(at: .min) && NAT64PrefixBook.embeds(a, under: $0) }
    }
}

extension TransitionAnalyzer {
    /// The analysis so far as a mergeable `TransitionState` (pending binding counts flushed).
    public mutating func state() -> TransitionState {
        var s = TransitionState()
        s.localPrefixes = options.localPrefixes
        s.maxBindings = options.maxBindings; s.maxDevices = options.maxDevices
        s.maxNames = options.maxNames; s.maxRaces = options.maxRaces
        // Sized once: grown from empty, each table was rehashed ~13 times on the way.
        let all = bindings.allBindings()
        s.bindings.reserveCapacity(all.count)
        for (k, v) in all { s.bindings[k] = v }
        s.owners.reserveCapacity(bindings.macOf.count)
        s.activity.reserveCapacity(activity.count)
        let mask: UInt64 = 0xffff_ffff_ffff
        bindings.macOf.forEach { address, value in
            let mac = value & mask
            let since = s.bindings[BindingKey(mac: mac, address: address)]?.first ?? .max
            s.owners[address] = [TransitionState.Owner(mac: mac, explicit: value & DeviceBindings.explicitFlag != 0, since: since)]
        }
        s.routerAdvertisers = bindings.routerAdvertisers
        for (k, a) in activity {
            s.activity[TransitionState.DeviceSlot(key: k, floating: k.mac == nil && k.address.map { s.owners[$0] == nil } ?? false)] = a
        }
        s.census = census
        s.prefixes = nat64.prefixes
        var drops = nat64.drops
        drops.pref64NotFromRouter += refusedPREF64 + pendingPREF64.count
        drops.dns64Uncorroborated += nat64.pendingCandidates
        s.nat64Drops = drops
        s.names = names.names
        s.races = races.races.map { r in (r, r.device.mac == nil && r.device.address.map { s.owners[$0] == nil } ?? false) }
        s.synthesizedAnswers = synthesizedAnswers
        s.droppedRaces = races.droppedRaces
        s.droppedNames = names.droppedNames
        s.droppedBindings = bindings.droppedBindings
        s.droppedDevices = droppedDevices
        s.droppedSynthesized = droppedSynthesized
        s.anomalies = bindings.anomalies
        s.invalidNDMessages = invalidNDMessages
        s.pref64OutsideRA = pref64OutsideRA
        s.ipv4onlyAmbiguous = ipv4onlyAmbiguous
        s.backwardTimestamps = backwardTimestamps
        return s
    }
}
