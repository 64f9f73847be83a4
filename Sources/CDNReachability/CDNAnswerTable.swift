/// DNS answers kept once each and referred to by a small id: the address map (`CDNAddressNames`)
/// holds an id per answered address, and a live connection holds the ids of the answers current
/// at its first packet in its own slot of the connection table (`ConnectionExtensionState`
/// `word2` / `word3`), until its record is joined. Before, each connection with an answer had an
/// entry (key and two `String` answers, ~120 B) in a second per-flow hash table, inserted at its
/// first packet and taken at its record (issue 9: most of the CDN analysis' memory and a good
/// part of its cost).
///
/// Ids are 1-based (0: no answer, so a zeroed connection slot holds none). An entry is
/// reference-counted: one reference per address that maps to it and one per connection end
/// holding it; when the last goes, its id is reused. An answer never changes once made (a later
/// answer for an address is a new entry), so a connection keeps the answer of its first packet
/// whatever the map says later. Bounded by its holders: at most `CDNAnalyzerOptions.maxAddressNames`
/// addresses plus two per connection holding answers (`maxConnectionAnswers`).
///
/// Each entry also remembers the name row its name has in the analyzer once known, so a
/// connection named by DNS reaches its row without hashing the name again.
struct CDNAnswerTable: Sendable {
    struct Entry: Sendable {
        var answer: CDNAddressNames.Answer
        /// The analyzer's name row for `answer.name` (-1: not known yet). Rows are never removed
        /// while the analyzer runs, so a known row stays right.
        var row: Int32 = -1
        var references: UInt32 = 0
    }

    /// Entry `id - 1`; free entries hold an empty name.
    private(set) var entries: [Entry] = []
    /// Ids of free entries, reused before the array grows.
    private var free: [UInt32] = []

    /// Entries in use.
    var count: Int { entries.count - free.count }

    /// A new entry for `answer`, without references yet: the caller retains it at once.
    mutating func insert(_ answer: CDNAddressNames.Answer) -> UInt32 {
        if let id = free.popLast() {
            entries[Int(id &- 1)] = Entry(answer: answer)
            return id
        }
        entries.append(Entry(answer: answer))
        return UInt32(entries.count)
    }

    /// The entry of a live id.
    subscript(id: UInt32) -> Entry { entries[Int(id &- 1)] }

    /// The answer's provider and its name's own provider (read without copying the name).
    func providers(_ id: UInt32) -> (provider: Int32, nameProvider: Int32) {
        let i = Int(id &- 1)
        return (entries[i].answer.provider, entries[i].answer.nameProvider)
    }

    /// The answer's name (the queried name).
    func name(_ id: UInt32) -> String { entries[Int(id &- 1)].answer.name }

    /// The name row of a live id (-1: not known yet).
    func row(_ id: UInt32) -> Int32 { entries[Int(id &- 1)].row }

    mutating func setRow(_ id: UInt32, _ row: Int32) { entries[Int(id &- 1)].row = row }

    mutating func retain(_ id: UInt32) { entries[Int(id &- 1)].references += 1 }

    /// Drops one reference; the last frees the entry (its name is let go, its id reused).
    mutating func release(_ id: UInt32) {
        let i = Int(id &- 1)
        entries[i].references -= 1
        guard entries[i].references == 0 else { return }
        entries[i].answer.name = ""
        entries[i].row = -1
        free.append(id)
    }
}
