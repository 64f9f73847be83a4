/// Rows of one piece of a file, in memory the piece owns, that the join moves (bitwise, no
/// retain or release per row) into one array.
///
/// Why not `[T]` per piece and `append(contentsOf:)`: for rows holding strings, arrays and
/// dictionaries (`TopologyNode`, `TopologyLink`) that copies each row (a retain per reference)
/// and then releases the piece: on 543k nodes and 634k links it took about 0.12 s on one thread,
/// longer than the cut saved. Here the piece allocates room for at most `capacity` rows (the
/// line ends of its byte range bound its records) and the join moves them.
final class MovableRows<T>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<T>
    let capacity: Int
    private(set) var count = 0

    /// Room for `capacity` rows (uninitialised).
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Appends `row`; more than `capacity` rows is a programming error (the bound was wrong).
    @inline(__always) func append(_ row: T) {
        precondition(count < capacity, "MovableRows: more rows than the bound")
        (base + count).initialize(to: row)
        count += 1
    }

    /// The rows of `pieces`, in order, moved into one array; the pieces are left empty.
    static func join(_ pieces: [MovableRows<T>]) -> [T] {
        let total = pieces.reduce(0) { $0 + $1.count }
        return [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            for p in pieces {
                if p.count > 0 { (buffer.baseAddress! + initialized).moveInitialize(from: p.base, count: p.count) }
                initialized += p.count
                p.count = 0
            }
        }
    }
}
