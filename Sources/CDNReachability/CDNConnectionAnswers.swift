import PacketDecoding
import TrafficAnalysis

/// The DNS answers a live connection is named by: for each end of its 5-tuple, the answer
/// `CDNAddressNames` held for that address at the connection's first packet. The join uses these
/// when the connection's record finishes, not the map's content then: records finish at times
/// that depend on the connection table's per-process hash seed (its idle sweep visits a few
/// slots per packet), so reading the map then made two runs on one file name connections
/// differently (issue 9). Both ends are kept because which one is the server is known only at
/// the join (content may show the client on the responder's side).
///
/// An entry exists only for a connection with an answer for either end, from its first packet
/// until its record is joined (`take`). The answers hold their name as a `String` (a reference
/// to the map's copy, no allocation), so a later answer or an eviction in the map never changes
/// them. Bounded: at most `maxEntries` connections; beyond, the entry of the earliest-started
/// of a sample of 8 is dropped and counted (`evictions`): that connection is then not named or
/// attributed by DNS. The default cap is the connection table's default, so with default
/// options it is never reached while the connection table holds its connections.
struct CDNConnectionAnswers: Sendable {
    struct Answers: Sendable {
        /// The answer for the key's endpoint A / endpoint B (nil: none at the first packet).
        var a: CDNAddressNames.Answer?
        var b: CDNAddressNames.Answer?
        /// The connection's first packet (ns), for the eviction under the cap.
        var first: Int64

        /// The answer for `server`, one of the key's two addresses.
        func answer(for server: IPAddress, key: FlowKey) -> CDNAddressNames.Answer? {
            server == key.addressA ? a : b
        }
    }

    private(set) var table: OpenTable<FlowKey, Answers>
    let maxEntries: Int
    private var cursor = 0
    var evictions: UInt64 = 0

    init(maxEntries: Int) {
        self.maxEntries = max(1, maxEntries)
        table = OpenTable(capacity: 1 << 10, maxEntries: self.maxEntries)
    }

    /// Notes the answers of a connection that starts now (its 5-tuple's earlier connection, if
    /// any, was joined first: the pipeline delivers a record before the packet that restarts it).
    mutating func note(_ key: FlowKey, _ answers: Answers) {
        if table.set(key, answers, limit: maxEntries, cursor: &cursor, recency: { $0.first }) { evictions += 1 }
    }

    /// The answers noted for the connection on `key`, removed (its record is being joined).
    mutating func take(_ key: FlowKey) -> Answers? {
        guard table.count > 0, let i = table.index(of: key) else { return nil }
        return table.remove(at: i).value
    }
}
