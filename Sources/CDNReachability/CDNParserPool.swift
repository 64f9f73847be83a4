import PacketDecoding
import QUICInitial

/// The ClientHello parsers in progress, in a fixed number of reusable slots (default 4,096), so
/// the memory held for half-received ClientHellos is bounded whatever the traffic: a flow that
/// finds every slot busy is not parsed (counted in `exhausted`). A slot is freed when its
/// ClientHello is whole or its connection ends.
struct CDNParserPool: Sendable {
    enum Parser: Sendable {
        case empty
        case tls(TLSClientHelloAccumulator)
        case quic(QUICInitialReader)
    }

    private(set) var slots: [Parser] = []
    private var free: [Int32] = []
    let maxSlots: Int
    var exhausted: UInt64 = 0

    init(maxSlots: Int) { self.maxSlots = max(1, maxSlots) }

    /// A slot holding `parser`, or nil when all `maxSlots` are busy.
    mutating func allocate(_ parser: Parser) -> Int32? {
        if let i = free.popLast() { slots[Int(i)] = parser; return i }
        guard slots.count < maxSlots else { exhausted += 1; return nil }
        slots.append(parser)
        return Int32(slots.count - 1)
    }

    /// Takes the parser out of slot `i` (leaving it empty, so mutating it copies nothing).
    mutating func take(_ i: Int32) -> Parser {
        let p = slots[Int(i)]
        slots[Int(i)] = .empty
        return p
    }

    mutating func put(_ p: Parser, at i: Int32) { slots[Int(i)] = p }

    mutating func release(_ i: Int32) {
        slots[Int(i)] = .empty
        free.append(i)
    }
}
