import PacketDecoding
import TrafficAnalysis

/// What flow records show about IPv6 adoption: flows, packets and bytes per family, distinct
/// hosts, tunnel and NAT64 flows, and the same split per exporter domain and per interface.
/// Mergeable (counters add, host sets unite). Definitions: docs/flows.md.
public struct FlowSummary: Sendable, Equatable, Codable {
    public struct Volume: Sendable, Equatable, Codable {
        public var flows: UInt64 = 0
        public var packets: UInt64 = 0
        public var bytes: UInt64 = 0
        public init() {}
        mutating func add(_ r: FlowRecord) {
            flows &+= 1
            packets = packets.addingReportingOverflow(r.packets).overflow ? .max : packets + r.packets
            bytes = bytes.addingReportingOverflow(r.bytes).overflow ? .max : bytes + r.bytes
        }
        mutating func merge(_ o: Volume) {
            flows &+= o.flows
            packets = packets.addingReportingOverflow(o.packets).overflow ? .max : packets + o.packets
            bytes = bytes.addingReportingOverflow(o.bytes).overflow ? .max : bytes + o.bytes
        }
    }
    /// IPv4 and IPv6 volumes side by side (per domain, per interface).
    public struct FamilyVolumes: Sendable, Equatable, Codable {
        public var ipv4 = Volume()
        public var ipv6 = Volume()
        public init() {}
        mutating func merge(_ o: FamilyVolumes) { ipv4.merge(o.ipv4); ipv6.merge(o.ipv6) }
    }

    public var ipv4 = Volume()
    public var ipv6 = Volume()
    /// Records with no IPv4 or IPv6 address field (e.g. MAC-only templates).
    public var noAddress = Volume()
    /// Distinct addresses seen as source or destination (exact, then HyperLogLog).
    public var hosts = AddressSet()
    /// IPv4 flows of protocol 41 (6in4, 6to4, ISATAP: IPv6 carried in IPv4, RFC 4213).
    public var protocol41Flows: UInt64 = 0
    /// UDP flows with port 3544 at either end (Teredo, RFC 4380).
    public var teredoFlows: UInt64 = 0
    /// IPv6 flows to 64:ff9b::/96 or 64:ff9b:1::/48 (NAT64, RFC 6052 / RFC 8215): IPv4
    /// destinations reached over IPv6, so they are also counted in `ipv6`.
    public var nat64Flows = Volume()
    /// Per observation domain (IPFIX) or source ID (v9), decimal text keys.
    public var byDomain: [String: FamilyVolumes] = [:]
    /// Per "domain/ifIndex" of IE 10 ingressInterface (records without it are not split).
    public var byIngressInterface: [String: FamilyVolumes] = [:]
    /// Per "domain/ifIndex" of IE 14 egressInterface.
    public var byEgressInterface: [String: FamilyVolumes] = [:]
    /// Distinct split keys kept (domains and interfaces); beyond, records go to `splitOverflow`.
    public static let maxSplitKeys = 65_536
    public var splitOverflow: UInt64 = 0

    public init() {}

    public mutating func add(_ r: FlowRecord) {
        guard let family = r.family else { noAddress.add(r); return }
        if family == .v4 { ipv4.add(r) } else { ipv6.add(r) }
        if let s = r.source { _ = hosts.insert(s) }
        if let d = r.destination { _ = hosts.insert(d) }
        if family == .v4 && r.protocolNumber == 41 { protocol41Flows += 1 }
        if r.protocolNumber == 17 && (r.sourcePort == 3544 || r.destinationPort == 3544) { teredoFlows += 1 }
        if family == .v6, let d = r.destination {
            let c = AddressClass(d)
            if c == .ipv6NAT64WellKnown || c == .ipv6NAT64LocalUse { nat64Flows.add(r) }
        }
        Self.split(&byDomain, String(r.domain), r, family, &splitOverflow)
        if let i = r.ingressInterface { Self.split(&byIngressInterface, "\(r.domain)/\(i)", r, family, &splitOverflow) }
        if let e = r.egressInterface { Self.split(&byEgressInterface, "\(r.domain)/\(e)", r, family, &splitOverflow) }
    }

    static func split(_ table: inout [String: FamilyVolumes], _ key: String, _ r: FlowRecord, _ family: IPFamily, _ overflow: inout UInt64) {
        if table[key] == nil && table.count >= maxSplitKeys { overflow += 1; return }
        if family == .v4 { table[key, default: FamilyVolumes()].ipv4.add(r) } else { table[key, default: FamilyVolumes()].ipv6.add(r) }
    }

    public mutating func merge(_ o: FlowSummary) {
        ipv4.merge(o.ipv4); ipv6.merge(o.ipv6); noAddress.merge(o.noAddress)
        hosts.merge(o.hosts)
        protocol41Flows += o.protocol41Flows; teredoFlows += o.teredoFlows
        nat64Flows.merge(o.nat64Flows)
        for (k, v) in o.byDomain { byDomain[k, default: FamilyVolumes()].merge(v) }
        for (k, v) in o.byIngressInterface { byIngressInterface[k, default: FamilyVolumes()].merge(v) }
        for (k, v) in o.byEgressInterface { byEgressInterface[k, default: FamilyVolumes()].merge(v) }
        splitOverflow += o.splitOverflow
    }

    /// IPv6 share of a figure (0...1), nil when there is no IPv4 or IPv6 traffic.
    public static func share(_ v6: UInt64, _ v4: UInt64) -> Double? {
        v4 + v6 == 0 ? nil : Double(v6) / Double(v4 + v6)
    }

    enum CodingKeys: String, CodingKey {
        case ipv4, ipv6, noAddress = "no_address", hosts, protocol41Flows = "protocol_41_flows", teredoFlows = "teredo_flows"
        case nat64Flows = "nat64", byDomain = "by_domain", byIngressInterface = "by_ingress_interface"
        case byEgressInterface = "by_egress_interface", splitOverflow = "split_overflow"
    }
}
