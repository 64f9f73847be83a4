import PacketDecoding
import TrafficAnalysis

/// Server addresses learned from DNS answers: address -> the name queried and the provider its
/// CNAME chain leads to. "A name whose chain ends under a CDN's domain belongs to it" (the
/// chain's last name is tried first, then the earlier ones, then the queried name), and the
/// client's A/AAAA answer ties the address it then connects to to that name. The newest answer
/// wins: the map says what DNS told the clients so far, and a connection takes its answers from
/// it at its first packet (their ids go into the connection's slot, see `CDNAnswerTable`), never
/// later. The map holds answer ids, one reference each in the `CDNAnswerTable`. Bounded: at most
/// `maxEntries` addresses, the least recently answered of a sample is evicted beyond (counted).
struct CDNAddressNames: Sendable {
    /// What one answer says of an address.
    struct Answer: Sendable, Equatable {
        var name: String
        /// The provider of the answer: its CNAME chain's, else the queried name's, else the
        /// answered address's prefix (-1: none).
        var provider: Int32
        /// The provider whose suffix the queried name itself is under (-1: none): what
        /// `CDNMatcher.match(name:)` gives for `name`, kept so a connection named by this answer
        /// is attributed without matching the name again.
        var nameProvider: Int32
    }

    struct Entry: Sendable {
        /// The answer's id in the `CDNAnswerTable`.
        var answer: UInt32
        /// Response time (ns), for the eviction under the cap.
        var time: Int64
    }

    private(set) var table: OpenTable<IPAddress, Entry>
    let maxEntries: Int
    private var cursor = 0
    var evictions: UInt64 = 0

    init(maxEntries: Int) {
        self.maxEntries = max(1, maxEntries)
        table = OpenTable(capacity: 1 << 10, maxEntries: self.maxEntries)
    }

    var isEmpty: Bool { table.count == 0 }

    /// The id of the answer current for `address` (0: none).
    func lookup(_ address: IPAddress) -> UInt32 {
        table.index(of: address).map { table[index: $0].answer } ?? 0
    }

    /// Maps `address` to answer `entry.answer` (retained in `answers`), releasing the answer it
    /// replaces or, at the cap, the evicted address's.
    mutating func set(_ address: IPAddress, _ entry: Entry, answers: inout CDNAnswerTable) {
        answers.retain(entry.answer)
        let (evicted, replaced) = table.set(address, entry, limit: maxEntries, cursor: &cursor, recency: { $0.time })
        if let e = evicted { answers.release(e.answer); evictions += 1 }
        if let r = replaced { answers.release(r.answer) }
    }
}
