import PacketDecoding
import TrafficAnalysis
import TransitionAnalysis

/// The report model of `netcensus capture analyze` and of the `transition` section of the
/// summary document (names in docs/transition.md and docs/summary-schema.md). Every figure of
/// `TransitionSummary` gets one stable snake_case name here; DNS names and addresses are
/// `.string` values, escaped by each renderer.
public enum TransitionReport {
    /// The row views of `capture analyze --by`.
    public enum View: String, Sendable, CaseIterable {
        case device, mechanism, name, race
    }

    /// How addresses and MACs are shown: anonymized with Crypto-PAn (default) or as they are.
    public struct AddressPolicy: Sendable {
        public var anonymizer: CryptoPAn?
        public var showMACs: Bool
        public init(anonymizer: CryptoPAn?, showMACs: Bool) { self.anonymizer = anonymizer; self.showMACs = showMACs }
        public static let plain = AddressPolicy(anonymizer: nil, showMACs: true)
        public func text(_ a: IPAddress) -> String { (anonymizer.map { $0.anonymize(a) } ?? a).description }
    }

    static func ms(_ ns: Int64?) -> ReportValue { ns.map { .number(Double($0) / 1_000_000) } ?? .null }
    static func share(_ d: Double?) -> ReportValue { d.map(ReportValue.number) ?? .null }
    static func family(_ f: IPFamily?) -> ReportValue { f.map { .string($0 == .v4 ? "ipv4" : "ipv6") } ?? .null }
    static func i(_ v: Int) -> ReportValue { .integer(Int64(v)) }
    static func u(_ v: UInt64) -> ReportValue { .unsigned(v) }

    static func shareObject(_ s: TransitionSummary.Share) -> ReportValue {
        .object([("ipv6", u(s.ipv6)), ("translated", u(s.translated)), ("ipv4", u(s.ipv4)),
                 ("ipv6_share", share(s.ipv6Share)), ("translated_share", share(s.translatedShare))])
    }

    static func distribution(_ d: DurationDistribution) -> ReportValue {
        .object([("count", i(d.count)), ("median", d.percentileMilliseconds(50).map(ReportValue.number) ?? .null),
                 ("p90", d.percentileMilliseconds(90).map(ReportValue.number) ?? .null)])
    }

    /// The aggregate figures: the `transition` section of `capture summarize --json` and the
    /// `summary` member of `capture analyze --json`. No addresses, no names.
    public static func section(_ s: TransitionSummary) -> ReportValue {
        let h = s.happyEyeballs, d = s.deviceCounts, dst = s.destinations, p = s.preference
        return .object([
            ("mechanisms", .object(s.mechanisms.map { m in
                (m.mechanism.name, .object([("packets", u(m.packets)), ("bytes", u(m.bytes)),
                                            ("connections", u(m.connections)), ("devices", i(m.devices))]))
            })),
            ("adoption", .object([
                ("packets", shareObject(s.packets)), ("bytes", shareObject(s.bytes)),
                ("connections", shareObject(s.connections)), ("devices", shareObject(s.deviceShare)),
            ])),
            ("hints", .object([("cgn_packets", u(s.cgnPackets)), ("cgn_originators", i(s.cgnOriginators)),
                               ("ds_lite_b4_addressed_packets", u(s.dsLiteB4AddressedPackets)), ("non_ip_packets", u(s.nonIPPackets))])),
            ("nat64_prefixes", .array(s.nat64Prefixes.map { n in
                .object([("prefix", .string(n.prefix.description)), ("source", .string(n.source.rawValue)),
                         ("learnt_at", n.learntAt.map { .number(Double($0) / 1e9) } ?? .null)])
            })),
            ("dns64", .object([("synthesized_aaaa_answers", i(dst.synthesizedAAAAAnswers)),
                               ("names_aaaa_synthesized_only", i(dst.aaaaSynthesizedOnly))])),
            ("destinations", .object([
                ("names_looked_up", i(dst.namesLookedUp)), ("names_with_aaaa", i(dst.withAAAA)),
                ("names_with_aaaa_share", share(dst.namesLookedUp == 0 ? nil : Double(dst.withAAAA) / Double(dst.namesLookedUp))),
                ("names_aaaa_empty", i(dst.aaaaEmpty)),
                ("names_reached_only_over_ipv4_despite_aaaa", i(dst.reachedOnlyOverIPv4DespiteAAAA)),
            ])),
            ("ipv6_preferred", .object([("eligible_connections", i(p.eligibleConnections)), ("ipv6", i(p.ipv6)),
                                        ("ipv4", i(p.ipv4)), ("translated", i(p.translated)), ("share", share(p.share))])),
            ("happy_eyeballs", .object([
                ("races", i(h.races)), ("dual_stack_eligible_races", i(h.dualStackEligibleRaces)),
                ("both_families_attempted", i(h.racesBothFamiliesAttempted)),
                ("ipv6_first", i(h.ipv6First)), ("ipv4_first", i(h.ipv4First)),
                ("ipv6_won", i(h.ipv6Won)), ("ipv4_won", i(h.ipv4Won)), ("ipv6_won_share", share(h.ipv6WonShare)),
                ("races_with_ipv6_attempt", i(h.racesWithIPv6Attempt)), ("fallbacks", i(h.fallbacks)),
                ("fallback_rate", share(h.fallbackRate)), ("loser_reset_by_client", i(h.loserResetByClient)),
                ("attempts_ipv4", i(h.attemptsV4)), ("attempts_ipv6", i(h.attemptsV6)),
                ("quic_attempts_ipv4", i(h.quicAttemptsV4)), ("quic_attempts_ipv6", i(h.quicAttemptsV6)),
                ("connection_attempt_delay_ms", distribution(h.connectionAttemptDelay)),
                ("resolution_delay_ms", distribution(h.resolutionDelay)),
                ("broken_ipv6_devices", i(h.brokenIPv6Devices)), ("lookups_without_attempt", i(h.lookupsWithoutAttempt)),
            ])),
            ("devices", .object([
                ("devices", i(d.devices)), ("dual_stack", i(d.dualStack)), ("ipv4_only", i(d.ipv4Only)),
                ("ipv6_only", i(d.ipv6Only)), ("local_only", i(d.localOnly)), ("using_ipv6", i(d.usingIPv6)),
                ("using_ipv6_natively", i(d.usingIPv6Natively)), ("router_macs", i(d.routerMACs)),
                ("ipv6_addresses", i(d.ipv6Addresses)), ("iid_eui64", i(d.eui64)), ("iid_stable", i(d.stable)),
                ("iid_temporary", i(d.temporary)),
            ])),
            ("dropped", .object([("races", u(s.droppedRaces)), ("names", u(s.droppedNames)), ("bindings", u(s.droppedBindings)),
                                 ("devices", u(s.droppedDevices)), ("nat64_prefixes", i(s.nat64Drops.tableFull)),
                                 ("nat64_prefixes_refused", i(s.nat64Drops.specialPurpose)),
                                 ("nat64_prefixes_evicted", i(s.nat64Drops.evicted)),
                                 ("nat64_prefixes_covering_local", i(s.nat64Drops.coversLocal)),
                                 ("nat64_prefixes_withdrawn_local", i(s.nat64Drops.withdrawnCoversLocal)),
                                 ("nat64_prefixes_local_table_full", i(s.nat64Drops.localTableFull)),
                                 ("nat64_pref64_not_from_router", i(s.nat64Drops.pref64NotFromRouter)),
                                 ("nat64_dns64_uncorroborated", i(s.nat64Drops.dns64Uncorroborated)),
                                 ("synthesized_answers", u(s.droppedSynthesizedAnswers)),
                                 ("malformed_binding_options", u(s.bindingAnomalies.malformedOptions)),
                                 ("binding_conflicts", u(s.bindingAnomalies.bindingConflicts)),
                                 ("invalid_nd_messages", u(s.invalidNDMessages)),
                                 ("nat64_pref64_outside_ra", u(s.pref64OutsideRA)),
                                 ("nat64_pref64_extra_options", u(s.bindingAnomalies.extraPREF64Options)),
                                 ("binding_options_past_limit", u(s.bindingAnomalies.optionsPastLimit)),
                                 ("dhcpv6_relays_too_deep", u(s.bindingAnomalies.relaysTooDeep)),
                                 ("dhcpv6_addresses_past_limit", u(s.bindingAnomalies.replyAddressesPastLimit)),
                                 ("dhcpv6_wrong_ports", u(s.bindingAnomalies.dhcpv6WrongPorts)),
                                 ("dhcpv6_nat64_addresses", u(s.bindingAnomalies.dhcpv6NAT64Addresses)),
                                 ("dhcpv6_fragments", u(s.bindingAnomalies.dhcpv6Fragments)),
                                 ("nat64_ipv4only_ambiguous", u(s.ipv4onlyAmbiguous)),
                                 ("backward_timestamps", u(s.backwardTimestamps))])),
        ])
    }

    /// The rows of one view.
    public static func rows(_ s: TransitionSummary, view: View, addresses: AddressPolicy) -> [ReportValue] {
        switch view {
        case .mechanism:
            return s.mechanisms.map { m in
                .object([("mechanism", .string(m.mechanism.name)), ("family", family(m.mechanism.family)),
                         ("translated", .bool(m.mechanism.isTranslated)), ("packets", u(m.packets)), ("bytes", u(m.bytes)),
                         ("connections", u(m.connections)), ("devices", i(m.devices))])
            }
        case .name:
            return s.names.map { n in
                let eligible = n.connectionsV4 + n.connectionsV6 + n.connectionsTranslated
                return .object([
                    ("name", .string(n.name)), ("a_answers", i(n.aAnswers)), ("aaaa_answers", i(n.aaaaAnswers)),
                    ("aaaa_synthesized", i(n.aaaaSynthesized)), ("aaaa_empty_answers", i(n.aaaaEmptyAnswers)),
                    ("connections_ipv4", i(n.connectionsV4)), ("connections_ipv6", i(n.connectionsV6)),
                    ("connections_translated", i(n.connectionsTranslated)), ("dual_stack_eligible", .bool(n.dualStackEligible)),
                    ("ipv6_preferred_share", n.dualStackEligible && eligible > 0 ? .number(Double(n.connectionsV6) / Double(eligible)) : .null),
                ])
            }
        case .device:
            return s.devices.map { d in
                var m: [(String, ReportValue)] = [("device", .string(d.label))]
                if addresses.showMACs { m.append(("mac", d.key.mac.map { .string(macText($0)) } ?? .null)) }
                m += [
                    ("stack", .string(d.stack.rawValue)), ("uses_ipv6", .bool(d.usesIPv6)), ("uses_ipv6_natively", .bool(d.usesIPv6Natively)),
                    ("ipv4_addresses", i(d.ipv4Addresses)), ("ipv6_addresses", i(d.ipv6Addresses)), ("ipv6_link_local", i(d.ipv6LinkLocal)),
                    ("iid_eui64", i(d.eui64)), ("iid_stable", i(d.stable)), ("iid_temporary", i(d.temporary)),
                    ("connections_ipv4", i(d.connectionsV4)), ("connections_ipv6", i(d.connectionsV6)),
                    ("connections_translated", i(d.connectionsTranslated)),
                    ("mechanisms", .string(d.mechanisms.map(\.name).joined(separator: " "))),
                    ("eligible_connections", i(d.eligibleConnections)),
                    ("ipv6_preferred_share", d.eligibleConnections == 0 ? .null : .number(Double(d.eligibleIPv6) / Double(d.eligibleConnections))),
                    ("broken_ipv6", .bool(d.brokenIPv6)),
                    ("address_list", .string(d.addresses.map { a in
                        addresses.text(a.address) + (a.interfaceID.map { "(\($0.rawValue))" } ?? "")
                    }.joined(separator: " "))),
                    ("addresses", .array(d.addresses.map { a in
                        .object([("address", .string(addresses.text(a.address))),
                                 ("interface_id", a.interfaceID.map { .string($0.rawValue) } ?? .null)])
                    })),
                ]
                return .object(m)
            }
        case .race:
            let labels = Dictionary(s.devices.map { ($0.key, $0.label) }, uniquingKeysWith: { a, _ in a })
            return s.races.map { r in
                let device = labels[r.device] ?? r.device.address.map { addresses.text($0) } ?? "(router or no connection)"
                func rel(_ t: Int64?) -> ReportValue { t.map { ms($0 - r.start) } ?? .null }
                return .object([
                    ("device", .string(device)), ("name", .string(r.name)), ("start", .number(Double(r.start) / 1e9)),
                    ("a_query_ms", rel(r.aQuery)), ("a_answer_ms", rel(r.aAnswer)),
                    ("aaaa_query_ms", rel(r.aaaaQuery)), ("aaaa_answer_ms", rel(r.aaaaAnswer)),
                    ("a_answers", i(r.aAnswered)), ("aaaa_answers", i(r.aaaaAnswered)), ("aaaa_synthesized", i(r.aaaaSynthesized)),
                    ("first_ipv6_attempt_ms", rel(r.firstAttemptV6)), ("first_ipv4_attempt_ms", rel(r.firstAttemptV4)),
                    ("attempts_ipv6", i(r.attemptsV6)), ("attempts_ipv4", i(r.attemptsV4)),
                    ("quic_attempts_ipv6", i(r.quicAttemptsV6)), ("quic_attempts_ipv4", i(r.quicAttemptsV4)),
                    ("first_family", family(r.firstFamily)),
                    ("connection_attempt_delay_ms", ms(r.connectionAttemptDelay)), ("resolution_delay_ms", ms(r.resolutionDelay)),
                    ("first_handshake", family(r.firstHandshakeFamily)), ("data_family", family(r.dataFamily)),
                    ("winner", family(r.winner)), ("fallback", .bool(r.fallback)),
                    ("loser_reset_by_client", .bool(r.loserResetByClient)), ("dual_stack_eligible", .bool(r.dualStackEligible)),
                ])
            }
        }
    }

    /// The `capture analyze --json` document.
    public static func document(_ s: TransitionSummary, view: View?, addresses: AddressPolicy, inputs: [String], tool: String) -> ReportValue {
        var m: [(String, ReportValue)] = [
            ("schema_version", .integer(Int64(CaptureSummaryReport.schemaVersion))), ("tool", .string(tool)),
            ("inputs", .array(inputs.map(ReportValue.string))),
            ("addresses_anonymized", .bool(addresses.anonymizer != nil)),
            ("summary", section(s)),
        ]
        if let v = view { m.append((v.rawValue + "s", .array(rows(s, view: v, addresses: addresses)))) }
        return .object(m)
    }

    // MARK: Text

    /// A plain table of `rows` (objects with the same keys; arrays and objects left out), text
    /// escaped for the terminal.
    public static func table(_ rows: [ReportValue]) -> String {
        guard case .object(let first)? = rows.first else { return "(none)\n" }
        let columns = first.filter { if case .array = $0.1 { return false }; if case .object = $0.1 { return false }; return true }.map(\.0)
        let cells: [[String]] = rows.map { r in columns.map { cellText(r[$0]) } }
        var width = columns.map(\.count)
        for row in cells { for (i, c) in row.enumerated() { width[i] = max(width[i], c.count) } }
        func line(_ items: [String]) -> String {
            var text = items.enumerated().map { i, t in t + String(repeating: " ", count: max(0, width[i] - t.count)) }
                .joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        return line(columns) + cells.map(line).joined()
    }

    static func cellText(_ v: ReportValue?) -> String {
        switch v {
        case .none, .null?: "-"
        case .string(let s)?: Escaping.terminal(s)
        case .integer(let n)?: String(n)
        case .unsigned(let n)?: String(n)
        case .number(let d)?: d.isFinite ? JSONRenderer.formatNumber((d * 1000).rounded() / 1000) : "-"
        case .bool(let b)?: b ? "yes" : "no"
        case .object?, .array?: ""
        }
    }

    /// The default text report: the aggregate section as indented lines, then the mechanism table.
    public static func overview(_ s: TransitionSummary) -> String {
        var out = ""
        func walk(_ v: ReportValue, _ indent: String) {
            guard case .object(let members) = v else { return }
            for (k, x) in members {
                switch x {
                case .object: out += indent + k + ":\n"; walk(x, indent + "  ")
                case .array(let items):
                    out += indent + k + ":" + (items.isEmpty ? " (none)" : "") + "\n"
                    for it in items {
                        if case .object(let f) = it { out += indent + "  - " + f.map { "\($0.0)=\(cellText($0.1))" }.joined(separator: " ") + "\n" }
                    }
                default: out += indent + k + ": " + cellText(x) + "\n"
                }
            }
        }
        var sec = section(s)
        if case .object(let members) = sec { sec = .object(members.filter { $0.0 != "mechanisms" }) }
        out += "Transition mechanisms\n"
        out += table(rows(s, view: .mechanism, addresses: .plain)) + "\n"
        walk(sec, "")
        return out
    }
}
