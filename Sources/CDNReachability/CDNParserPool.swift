import PacketDecoding
import QUICInitial

/// The ClientHello parsers in progress, in a fixed number of reusable slots (default 4,096), so
/// the memory held for half-received ClientHellos is bounded whatever the traffic. A slot is
/// freed when its ClientHello is whole or its connection ends.
///
/// When every slot is busy, a new parser takes the slot of the stalest of 8 sampled parsers if
/// that one has been idle for at least `minimumIdleNanoseconds` (1 s of capture time: a real
/// ClientHello's segments arrive within a round trip): counted in `evictions`, and its
/// connection is then attributed by DNS or prefix only. So connections that send half a
/// ClientHello and stall cannot hold every slot against later ones. When the sampled parsers
/// are all younger, the new flow is not parsed (`exhausted`). Handles carry a generation, so a
/// connection whose parser was taken finds its slot empty, never another connection's parser.
struct CDNParserPool: Sendable {
    enum Parser: Sendable {
        case empty
        case tls(TLSClientHelloAccumulator)
        case quic(QUICInitialReader)
    }

    /// A slot index and the generation it was handed out in.
    struct Handle: Sendable, Equatable {
        var index: Int32
        var generation: UInt32
        static let none = Handle(index: -1, generation: 0)
        var isNone: Bool { index < 0 }
    }

    private(set) var slots: [Parser] = []
    private var generations: [UInt32] = []
    private var lastUse: [Int64] = []
    private var free: [Int32] = []
    private var cursor = 0
    let maxSlots: Int
    var exhausted: UInt64 = 0
    var evictions: UInt64 = 0
    static let minimumIdleNanoseconds: Int64 = 1_000_000_000
    static let sample = 8

    init(maxSlots: Int) { self.maxSlots = max(1, maxSlots) }

    /// A slot holding `parser`, or `.none` when all `maxSlots` are busy and none of the sampled
    /// ones has been idle for `minimumIdleNanoseconds` at `time` (ns).
    mutating func allocate(_ parser: Parser, time: Int64) -> Handle {
        if let i = free.popLast() {
            slots[Int(i)] = parser; lastUse[Int(i)] = time
            return Handle(index: i, generation: generations[Int(i)])
        }
        if slots.count < maxSlots {
            slots.append(parser); generations.append(0); lastUse.append(time)
            return Handle(index: Int32(slots.count - 1), generation: 0)
        }
        // Sampled LRU over busy slots (every slot is busy here: the free list is empty).
        var victim = -1
        for k in 0..<min(Self.sample, slots.count) {
            let i = (cursor + k) % slots.count
            if victim < 0 || lastUse[i] < lastUse[victim] { victim = i }
        }
        cursor = (cursor + Self.sample) % slots.count
        guard victim >= 0, time - lastUse[victim] >= Self.minimumIdleNanoseconds else { exhausted += 1; return .none }
        evictions += 1
        generations[victim] &+= 1
        slots[victim] = parser; lastUse[victim] = time
        return Handle(index: Int32(victim), generation: generations[victim])
    }

    /// Takes the parser out of the slot (leaving it empty, so mutating it copies nothing);
    /// `.empty` when the handle is stale (its parser was evicted).
    mutating func take(_ h: Handle) -> Parser {
        guard !h.isNone, generations[Int(h.index)] == h.generation else { return .empty }
        let p = slots[Int(h.index)]
        slots[Int(h.index)] = .empty
        return p
    }

    mutating func put(_ p: Parser, at h: Handle, time: Int64) {
        guard !h.isNone, generations[Int(h.index)] == h.generation else { return }
        slots[Int(h.index)] = p; lastUse[Int(h.index)] = time
    }

    /// Frees the slot; a stale handle frees nothing (the slot belongs to another connection).
    mutating func release(_ h: Handle) {
        guard !h.isNone, generations[Int(h.index)] == h.generation else { return }
        slots[Int(h.index)] = .empty
        generations[Int(h.index)] &+= 1
        free.append(h.index)
    }
}
