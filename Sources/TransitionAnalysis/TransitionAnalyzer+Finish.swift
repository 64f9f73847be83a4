import PacketDecoding
import TrafficAnalysis

extension TransitionAnalyzer {
    /// Computes every figure from the state gathered so far (the state stays; call once at the
    /// end): `state().finish()`, so one input's figures and a merge of one state are the same.
    public mutating func finish() -> TransitionSummary { state().finish() }
}

extension TransitionState {
    /// Computes every figure of `TransitionSummary` (definitions in docs/transition.md) from this
    /// state: one input's, or several merged (`merged(_:)`).
    public func finish() -> TransitionSummary {
        var s = TransitionSummary()

        // Routers and device addresses from the bindings.
        var perMAC: [UInt64: [(IPAddress, BindingState)]] = [:]
        perMAC.reserveCapacity(bindings.count)
        for (k, v) in bindings { perMAC[k.mac, default: []].append((k.address, v)) }
        let forwarding = forwarders()
        var routers = routerAdvertisers
        for mac in perMAC.keys where forwarding.contains(mac) { routers.insert(mac) }
        s.deviceCounts.routerMACs = routers.count

        // Device slots joined: a floating address-only slot joins the MAC that owns its address.
        var activity: [DeviceKey: DeviceActivity] = [:]
        activity.reserveCapacity(self.activity.count)
        for (slot, a) in self.activity {
            let k = resolve(slot)
            activity[k] = activity[k].map { Self.combine($0, a) } ?? a
        }

        // Devices.
        // Sort keys are taken once (the comparator looked both devices up in `activity`).
        var sortable: [(Int64, DeviceKey)] = []
        for (k, a) in activity where k.mac.map({ !routers.contains($0) }) ?? true { sortable.append((a.firstConnection, k)) }
        let deviceKeys = sortable.sorted { $0 < $1 }.map { $0.1 }
        var mechanismDevices = [Int](repeating: 0, count: TransitionMechanism.allCases.count)
        for (n, key) in deviceKeys.enumerated() {
            let a = activity[key]!
            var addressList: [(IPAddress, Int64?, Int64?)]
            // A device's addresses: those bound to its MAC that still belong to it (an address
            // taken over by its frame user, "Devices", is not also listed under the claimant).
            if let mac = key.mac {
                addressList = (perMAC[mac] ?? []).filter { device(of: $0.0).mac == mac }.map { ($0.0, $0.1.first, $0.1.last) }
            }
            else { addressList = a.originatorAddresses.map { ($0, nil, nil) } }
            addressList.sort { $0.0 < $1.0 }
            let rows = TransitionAnalyzer.classifyInterfaceIDs(addressList)
            let v4 = a.connectionsV4 > 0, v6 = a.connectionsV6Native + a.connectionsTranslated > 0
            let stack: DeviceStackClass = v4 && v6 ? .dualStack : v4 ? .ipv4Only : v6 ? .ipv6Only : .localOnly
            let mechanisms = TransitionMechanism.allCases.filter { a.mechanisms & (1 << UInt16($0.rawValue)) != 0 }
            for m in mechanisms { mechanismDevices[Int(m.rawValue)] += 1 }
            let row = TransitionSummary.DeviceRow(
                label: "device-\(n + 1)", key: key, stack: stack, usesIPv6: v6, usesIPv6Natively: a.connectionsV6Native > 0,
                addresses: rows,
                ipv4Addresses: rows.filter { $0.address.family == .v4 }.count,
                ipv6Addresses: rows.filter { $0.address.family == .v6 && AddressClass($0.address) != .ipv6LinkLocal }.count,
                ipv6LinkLocal: rows.filter { AddressClass($0.address) == .ipv6LinkLocal }.count,
                eui64: rows.filter { $0.interfaceID == .eui64 }.count, stable: rows.filter { $0.interfaceID == .stable }.count,
                temporary: rows.filter { $0.interfaceID == .temporary }.count,
                connectionsV4: a.connectionsV4, connectionsV6: a.connectionsV6Native, connectionsTranslated: a.connectionsTranslated,
                mechanisms: mechanisms, eligibleConnections: a.eligibleConnections, eligibleIPv6: a.eligibleIPv6,
                brokenIPv6: a.raceAttemptsV6 > 0 && a.raceAttemptsV6Established == 0)
            s.devices.append(row)
            var d = s.deviceCounts
            d.devices += 1
            switch stack {
            case .dualStack: d.dualStack += 1
            case .ipv4Only: d.ipv4Only += 1
            case .ipv6Only: d.ipv6Only += 1
            case .localOnly: d.localOnly += 1
            }
            if row.usesIPv6 { d.usingIPv6 += 1 }
            if row.usesIPv6Natively { d.usingIPv6Natively += 1 }
            d.ipv6Addresses += row.ipv6Addresses; d.eui64 += row.eui64; d.stable += row.stable; d.temporary += row.temporary
            s.deviceCounts = d
            if stack != .localOnly {
                if row.usesIPv6Natively { s.deviceShare.ipv6 += 1 }
                else if row.usesIPv6 { s.deviceShare.translated += 1 }
                else { s.deviceShare.ipv4 += 1 }
            }
            if row.brokenIPv6 { s.happyEyeballs.brokenIPv6Devices += 1 }
        }

        // Mechanisms and shares.
        for m in TransitionMechanism.allCases {
            let c = census.counts[Int(m.rawValue)]
            s.mechanisms.append(.init(mechanism: m, packets: c.packets, bytes: c.bytes, connections: c.connections,
                                      devices: mechanismDevices[Int(m.rawValue)]))
            if m.isTranslated {
                s.packets.translated += c.packets; s.bytes.translated += c.bytes; s.connections.translated += c.connections
            } else if m.family == .v6 {
                s.packets.ipv6 += c.packets; s.bytes.ipv6 += c.bytes; s.connections.ipv6 += c.connections
            } else {
                s.packets.ipv4 += c.packets; s.bytes.ipv4 += c.bytes; s.connections.ipv4 += c.connections
            }
        }
        s.cgnPackets = census.cgnPackets
        s.cgnOriginators = census.cgnOriginators.count
        s.dsLiteB4AddressedPackets = census.dsLiteB4AddressedPackets
        s.nonIPPackets = census.nonIPPackets
        s.nat64Prefixes = prefixes.sorted { ($0.learntAt ?? .min, $0.prefix.length) < ($1.learntAt ?? .min, $1.prefix.length) }

        // Names, destinations, the IPv6-preferred share.
        for (name, n) in names.sorted(by: { $0.key < $1.key }) {
            let synth = n.aaaaAddresses.count { isSynthesized($0) }
            let real = n.aaaaAddresses.count - synth
            let eligible = !n.aAddresses.isEmpty && real > 0
            s.names.append(.init(name: name, aAnswers: n.aAddresses.count, aaaaAnswers: n.aaaaAddresses.count, aaaaSynthesized: synth,
                                 aaaaEmptyAnswers: n.aaaaEmptyAnswers, connectionsV4: n.connectionsV4, connectionsV6: n.connectionsV6,
                                 connectionsTranslated: n.connectionsTranslated, dualStackEligible: eligible))
            var d = s.destinations
            d.namesLookedUp += 1
            d.synthesizedAAAAAnswers += synth
            if real > 0 { d.withAAAA += 1 }
            if n.aaaaEmptyAnswers > 0 && n.aaaaAddresses.isEmpty { d.aaaaEmpty += 1 }
            if synth > 0 && real == 0 { d.aaaaSynthesizedOnly += 1 }
            if real > 0 && n.connectionsV4 > 0 && n.connectionsV6 == 0 { d.reachedOnlyOverIPv4DespiteAAAA += 1 }
            s.destinations = d
            if eligible {
                s.preference.eligibleConnections += n.connectionsV4 + n.connectionsV6 + n.connectionsTranslated
                s.preference.ipv6 += n.connectionsV6
                s.preference.ipv4 += n.connectionsV4
                s.preference.translated += n.connectionsTranslated
            }
        }

        // Happy Eyeballs. A loop, not `map`: an `isSynthesized` closure formed inside the map's
        // closure copied the whole state for each race (5,133 copies and destructions).
        var results: [RaceResult] = []
        results.reserveCapacity(races.count)
        for r in races {
            var race = r.race
            race.device = resolve(DeviceSlot(key: race.device, floating: r.floating))
            results.append(HappyEyeballsRaces.evaluate(race, synthesized: race.aaaaAddresses.count { isSynthesized($0) }))
        }
        s.races = HappyEyeballsRaces.inSummaryOrder(results)
        var h = s.happyEyeballs
        for r in s.races {
            guard r.attemptsV4 + r.attemptsV6 > 0 else { h.lookupsWithoutAttempt += 1; continue }
            h.races += 1
            // RFC 8305 races only where both families were answered: every figure below is over
            // dual-stack-eligible races.
            guard r.dualStackEligible else { continue }
            h.dualStackEligibleRaces += 1
            if r.attemptsV4 > 0 && r.attemptsV6 > 0 { h.racesBothFamiliesAttempted += 1 }
            if r.firstFamily == .v6 { h.ipv6First += 1 } else if r.firstFamily == .v4 { h.ipv4First += 1 }
            if r.winner == .v6 { h.ipv6Won += 1 } else if r.winner == .v4 { h.ipv4Won += 1 }
            if r.attemptsV6 > 0 { h.racesWithIPv6Attempt += 1 }
            if r.fallback { h.fallbacks += 1 }
            if r.loserResetByClient { h.loserResetByClient += 1 }
            h.attemptsV4 += r.attemptsV4; h.attemptsV6 += r.attemptsV6
            h.quicAttemptsV4 += r.quicAttemptsV4; h.quicAttemptsV6 += r.quicAttemptsV6
            if let v = r.connectionAttemptDelay { h.connectionAttemptDelay.record(nanoseconds: v) }
            if let v = r.resolutionDelay { h.resolutionDelay.record(nanoseconds: v) }
        }
        s.happyEyeballs = h

        s.droppedRaces = droppedRaces
        s.droppedNames = droppedNames
        s.droppedBindings = droppedBindings
        s.droppedDevices = droppedDevices
        s.nat64Drops = nat64Drops
        s.droppedSynthesizedAnswers = droppedSynthesized
        s.bindingAnomalies = anomalies
        s.invalidNDMessages = invalidNDMessages
        s.pref64OutsideRA = pref64OutsideRA
        s.ipv4onlyAmbiguous = ipv4onlyAmbiguous
        s.backwardTimestamps = backwardTimestamps
        return s
    }
}

extension TransitionAnalyzer {
    /// Interface-identifier classes (docs/transition.md "Interface identifiers"): EUI-64 when
    /// the IID holds ff:fe at bytes 3-4; otherwise, within each /64 of the device, the address
    /// seen over the longest span (last - first; ties: seen first, then lowest) is stable and
    /// every other is temporary. Link-local and IPv4 addresses get no class.
    static func classifyInterfaceIDs(_ list: [(IPAddress, Int64?, Int64?)]) -> [TransitionSummary.AddressRow] {
        var rows = list.map { TransitionSummary.AddressRow(address: $0.0, interfaceID: nil, first: $0.1, last: $0.2) }
        var byNet: [UInt64: [Int]] = [:]
        for (i, r) in rows.enumerated() where r.address.family == .v6 {
            let cls = AddressClass(r.address)
            guard cls != .ipv6LinkLocal, cls.isHost else { continue }
            if (r.address.low >> 24) & 0xffff == 0xfffe { rows[i].interfaceID = .eui64; continue }
            byNet[r.address.high, default: []].append(i)
        }
        for (_, idx) in byNet {
            let best = idx.min { x, y in
                let a = rows[x], b = rows[y]
                let spanA = (a.first ?? 0).distance(saturatingTo: a.last ?? 0), spanB = (b.first ?? 0).distance(saturatingTo: b.last ?? 0)
                if spanA != spanB { return spanA > spanB }
                if (a.first ?? 0) != (b.first ?? 0) { return (a.first ?? 0) < (b.first ?? 0) }
                return a.address < b.address
            }!
            for i in idx { rows[i].interfaceID = i == best ? .stable : .temporary }
        }
        return rows
    }
}
