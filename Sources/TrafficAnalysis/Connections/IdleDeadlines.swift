import HeapModule

/// When each live connection goes idle: a priority queue of (deadline, connection id, key),
/// earliest first (`Heap` from swift-collections).
///
/// A connection is idle at packet time `t` when `t - last > idle timeout` (`AnalysisOptions`),
/// i.e. when `t > last + timeout`: its deadline. One deadline is queued per connection when it
/// starts; when it comes due the connection is looked up — finished if still idle, queued again
/// at its new deadline if packets came since, dropped if the connection has gone (finished for
/// another reason: the id no longer matches). So a connection is finished at the first packet
/// past its deadline, whatever its table slot; the order of records finishing at one packet is
/// deadline, then id. (An incremental sweep of the table by slot finished them later, at a
/// packet that depended on the slot, so on the table's random seed: a record log's line order
/// differed from run to run.) Entries of connections gone otherwise wait until their deadline;
/// `needsRebuild` says when they outnumber the live ones.
@usableFromInline
struct IdleDeadlines: Sendable {
    @usableFromInline struct Entry: Comparable, Sendable {
        /// Packet time (ns) after which the connection is idle: last packet + idle timeout,
        /// saturating at `Int64.max` (never).
        @usableFromInline var time: Int64
        @usableFromInline var id: UInt64
        @usableFromInline var key: FlowKey
        @inlinable init(time: Int64, id: UInt64, key: FlowKey) { self.time = time; self.id = id; self.key = key }
        @inlinable static func < (a: Entry, b: Entry) -> Bool { a.time != b.time ? a.time < b.time : a.id < b.id }
        @inlinable static func == (a: Entry, b: Entry) -> Bool { a.time == b.time && a.id == b.id }
    }

    @usableFromInline var heap = Heap<Entry>()
    /// The earliest deadline queued (`Int64.max`: none), kept beside the heap so the check made
    /// for every packet is one comparison.
    @usableFromInline var next = Int64.max

    @inlinable init() {}

    /// `last + timeout` in ns, saturating (hostile files hold timestamps near Int64's limits).
    @inlinable static func deadline(last: Int64, timeout: Int64) -> Int64 {
        let (t, overflow) = last.addingReportingOverflow(timeout)
        return overflow ? (timeout > 0 ? Int64.max : Int64.min) : t
    }

    @inlinable mutating func insert(time: Int64, id: UInt64, key: FlowKey) {
        heap.insert(Entry(time: time, id: id, key: key))
        if time < next { next = time }
    }

    /// The earliest entry when it is due at packet time `now` (its deadline is before `now`);
    /// nil otherwise. The caller then removes it (`removeDue`) or moves it (`requeueDue`).
    @inlinable @inline(__always) func due(at now: Int64) -> Entry? {
        guard next < now else { return nil }
        return heap.min
    }

    /// Removes the entry `due` returned.
    @inlinable mutating func removeDue() {
        _ = heap.removeMin()
        next = heap.min?.time ?? .max
    }

    /// Gives the entry `due` returned a later deadline (one sift instead of a removal and an
    /// insertion: most due entries of a busy capture are connections that had packets since).
    @inlinable mutating func requeueDue(time: Int64) {
        guard var first = heap.min else { return }
        first.time = time
        _ = heap.replaceMin(with: first)
        next = heap.min?.time ?? .max
    }

    /// True when entries of departed connections make up more than half the queue (and it is
    /// not small): the owner then rebuilds it from its live connections, so the queue stays
    /// within twice the connection cap.
    @inlinable func needsRebuild(live: Int) -> Bool { heap.count > 2 &* live &+ 4_096 }

    /// Replaces the queue by `entries` (one per live connection).
    @usableFromInline mutating func rebuild(_ entries: [Entry]) {
        heap = Heap(entries)
        next = heap.min?.time ?? .max
    }

    @inlinable mutating func removeAll() {
        heap = Heap()
        next = .max
    }
}
