import CaptureCore
import PacketDecoding

/// Transport a DNS message was carried on.
public enum DNSTransport: UInt8, Sendable, Hashable, Codable, CaseIterable {
    case udp
    case tcp

    /// Stable lower-case name for logs ("udp", "tcp").
    public var name: String { self == .udp ? "udp" : "tcp" }
}

/// Where one DNS message came from, as the extractor saw it.
public struct DNSMessageContext: Sendable, Equatable {
    /// Capture time of the packet that completed the message (ns since the Unix epoch).
    public var timestamp: Int64
    /// A caller-defined packet number (e.g. the 1-based frame number), copied into the records.
    public var packetNumber: Int
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var transport: DNSTransport
    /// Family of the IP header that carried the UDP/TCP header (DNS over IPv4 vs over IPv6
    /// transport), whatever tunnel was outside it.
    public var family: IPFamily

    public init(timestamp: Int64, packetNumber: Int, source: IPAddress, destination: IPAddress, sourcePort: UInt16,
                destinationPort: UInt16, transport: DNSTransport, family: IPFamily) {
        self.timestamp = timestamp; self.packetNumber = packetNumber
        self.source = source; self.destination = destination
        self.sourcePort = sourcePort; self.destinationPort = destinationPort
        self.transport = transport; self.family = family
    }
}

/// How a DNS transaction ended.
public enum DNSTransactionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// A response matched the query.
    case answered
    /// No response within the timeout, superseded by a new query with the same key after the
    /// retransmission window, or still pending when the input ended.
    case unanswered
    /// A response whose query was not seen (capture started late, query lost, or unsolicited).
    case responseWithoutQuery = "response_without_query"
    /// Dropped unanswered because the pending-query cap was reached.
    case evicted
}

/// One DNS query and its response: the record of the `capture dns` log (Zeek `dns.log`-like).
///
/// Client is the query's sender (for a response without query: the response's destination).
/// Times are capture timestamps in ns. The response time is TShark's `dns.time`: response
/// timestamp minus the timestamp of the first query of the transaction (a retransmitted copy
/// within the retransmission window does not restart it).
public struct DNSTransaction: Sendable, Equatable {
    public var client: IPAddress
    public var clientPort: UInt16
    public var server: IPAddress
    public var serverPort: UInt16
    public var transport: DNSTransport
    /// IP family of the transport (the header carrying UDP/TCP).
    public var family: IPFamily
    public var id: UInt16
    /// First question (presentation form, lower case) and its type and class.
    public var qname: String
    public var qtype: UInt16
    public var qclass: UInt16

    /// First query's timestamp and packet number; nil for a response without query.
    public var queryTimestamp: Int64?
    public var queryPacketNumber: Int?
    /// Response timestamp and packet number; nil when unanswered.
    public var responseTimestamp: Int64?
    public var responsePacketNumber: Int?
    /// Further copies of the query seen within the retransmission window.
    public var queryRetransmissions: Int = 0

    /// RD as the query asked it (nil without query).
    public var recursionDesired: Bool?
    /// Response header (nil when unanswered): rcode and AA, TC, RA, AD.
    public var rcode: UInt8?
    public var authoritative: Bool?
    public var truncated: Bool?
    public var recursionAvailable: Bool?
    public var authenticData: Bool?
    /// Answer records of the response in wire order (owner, type, TTL in seconds, data): CNAME
    /// chain, A/AAAA, PTR, SVCB/HTTPS with alpn and hints.
    public var answers: [DNSResourceRecord] = []
    /// Answer count announced by the response header (can exceed `answers.count` when the
    /// response was cut or malformed, see `responseParseStop`).
    public var answerCount: Int?
    /// Why parsing of the response stopped early, if it did.
    public var responseParseStop: DNSParseStop?
    public var status: DNSTransactionStatus

    public init(client: IPAddress, clientPort: UInt16, server: IPAddress, serverPort: UInt16, transport: DNSTransport,
                family: IPFamily, id: UInt16, qname: String, qtype: UInt16, qclass: UInt16, status: DNSTransactionStatus) {
        self.client = client; self.clientPort = clientPort; self.server = server; self.serverPort = serverPort
        self.transport = transport; self.family = family; self.id = id
        self.qname = qname; self.qtype = qtype; self.qclass = qclass; self.status = status
    }

    /// Response time in ns (response timestamp - first query timestamp), when answered.
    public var responseTimeNanoseconds: Int64? {
        guard let q = queryTimestamp, let r = responseTimestamp else { return nil }
        // Saturating: hostile files hold timestamps near Int64's limits.
        let (d, overflow) = r.subtractingReportingOverflow(q)
        return overflow ? (r > q ? Int64.max : Int64.min) : d
    }

    /// Response time in milliseconds, when answered.
    public var responseTimeMilliseconds: Double? { responseTimeNanoseconds.map { Double($0) / 1_000_000 } }

    /// CNAME hops `cnameChain` follows: far above the chains resolvers follow in practice.
    public static let maxCNAMEHops = 32

    /// The CNAME chain from `qname`: each alias the answers lead through, in order, ending at
    /// the last canonical name (empty without CNAME). Follows at most `maxCNAMEHops` hops (and
    /// never more than there are answers), so a CNAME loop in a hostile response ends and the
    /// work stays O(32 * answers).
    public var cnameChain: [String] {
        var chain: [String] = []
        var current = qname
        for _ in 0..<min(answers.count, Self.maxCNAMEHops) {
            guard let next = answers.first(where: { $0.name == current && $0.type == 5 }),
                  case .cname(let target) = next.data else { break }
            chain.append(target)
            current = target
        }
        return chain
    }
}
