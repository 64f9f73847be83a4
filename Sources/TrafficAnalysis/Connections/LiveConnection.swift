import PacketDecoding

/// What the connection table keeps per live connection (the value of `OpenTable<FlowKey, _>`).
/// Fixed-size fields only, so updating a connection allocates nothing.
public struct LiveConnection: Sendable {
    /// TCP flag events each side can show once in the history (Zeek letters S H A D F R).
    @usableFromInline enum Event: UInt8 {
        case syn = 0, synAck, ack, data, fin, rst
    }

    @usableFromInline var id: UInt64
    @usableFromInline var first: Int64
    @usableFromInline var last: Int64
    /// The originator is the canonical key's A endpoint.
    @usableFromInline var originatorIsA: Bool
    @usableFromInline var outerFamily: IPFamily
    /// Tunnel mechanisms, outermost first, as raw value + 1 in 4-bit nibbles (up to 8).
    @usableFromInline var tunnelStack: UInt32
    @usableFromInline var originator = TrafficCounters()
    @usableFromInline var responder = TrafficCounters()
    @usableFromInline var originatorPayload: UInt64 = 0
    @usableFromInline var responderPayload: UInt64 = 0
    /// Events seen, bit `event` for the originator and bit `8 + event` for the responder.
    @usableFromInline var events: UInt16 = 0
    /// `ConnectionExtensionState.word2` (fills the padding after `events`: fields are laid out
    /// in declaration order, so this one and `extensionWord3` keep the 168-byte stride).
    @usableFromInline var extensionWord2: UInt32 = 0
    /// History codes (event + 1, +8 for the responder) in order of first appearance, 4 bits each.
    @usableFromInline var history: UInt64 = 0
    @usableFromInline var historyLength: UInt8 = 0
    @usableFromInline var synRetransmissions: UInt16 = 0
    /// `ConnectionExtensionState.word3` (fills the padding after `synRetransmissions`).
    @usableFromInline var extensionWord3: UInt32 = 0
    /// `LiveConnection.unseen` = not seen.
    @usableFromInline var synTime: Int64 = LiveConnection.unseen
    @usableFromInline var synAckTime: Int64 = LiveConnection.unseen
    @usableFromInline var ackTime: Int64 = LiveConnection.unseen
    @usableFromInline var synAckSequence: UInt32 = 0
    /// `ConnectionExtensionState.word` (fills the padding after `synAckSequence`).
    @usableFromInline var extensionWord: UInt32 = 0
    /// Most recent segment with SYN set and ACK clear, either side (Wireshark's `ts_mru_syn`).
    @usableFromInline var lastSynTime: Int64 = LiveConnection.unseen
    /// First segment with ACK set and SYN clear after a SYN, either side, minus `lastSynTime`
    /// then: tshark's `tcp.analysis.initial_rtt`.
    @usableFromInline var tsharkInitialRTT: Int64 = LiveConnection.unseen
    /// `lastSynTime` when the SYN-ACK arrived (the SYN it answers).
    @usableFromInline var answeredSynTime: Int64 = LiveConnection.unseen
    /// First reset came from the originator (meaningful when a side sent RST).
    @usableFromInline var originatorResetFirst = false
    @usableFromInline var startedBeforeCapture: Bool
    @usableFromInline var flipped: Bool
    /// A pipeline extension said it needs no more packets of this connection (fits the
    /// struct's padding: the slot size does not change).
    @usableFromInline var extensionDone = false
    /// `ConnectionExtensionState.flags` (tail padding).
    @usableFromInline var extensionFlags: UInt8 = 0

    /// The pipeline extension's scratch value kept in this slot.
    @inlinable var extensionState: ConnectionExtensionState {
        ConnectionExtensionState(word: extensionWord, word2: extensionWord2, word3: extensionWord3, flags: extensionFlags)
    }

    /// Marks a handshake time not seen (timestamps can be 0 or negative in hostile files).
    @usableFromInline static let unseen = Int64.min

    @usableFromInline init(id: UInt64, time: Int64, originatorIsA: Bool, outerFamily: IPFamily, tunnelStack: UInt32,
                           startedBeforeCapture: Bool, flipped: Bool) {
        self.id = id; first = time; last = time; self.originatorIsA = originatorIsA
        self.outerFamily = outerFamily; self.tunnelStack = tunnelStack
        self.startedBeforeCapture = startedBeforeCapture; self.flipped = flipped
    }

    @inlinable @inline(__always)
    func saw(_ e: Event, originator: Bool) -> Bool { events & (1 << UInt16(e.rawValue + (originator ? 0 : 8))) != 0 }

    /// Records an event; the first time per side it is appended to the history.
    @inlinable @inline(__always)
    mutating func note(_ e: Event, originator: Bool) {
        let bit = UInt16(1) << UInt16(e.rawValue + (originator ? 0 : 8))
        guard events & bit == 0 else { return }
        events |= bit
        if historyLength < 16 {
            history |= UInt64(e.rawValue + 1 + (originator ? 0 : 8)) << (4 * UInt64(historyLength))
            historyLength += 1
        }
    }

    /// The history as a record keeps it (`ConnectionRecord.history` writes the letters).
    var historyCodes: ConnectionHistory { ConnectionHistory(codes: history, length: historyLength, flipped: flipped) }

    /// Zeek's conn_state from the events seen (table in `ConnState`).
    func state(transportProtocol: UInt8) -> ConnState {
        let respondedAtAll = responder.packets > 0
        guard transportProtocol == 6 else { return respondedAtAll ? .sf : .s0 }
        let oSyn = saw(.syn, originator: true), rSynAck = saw(.synAck, originator: false)
        let oFin = saw(.fin, originator: true), rFin = saw(.fin, originator: false)
        let oRst = saw(.rst, originator: true), rRst = saw(.rst, originator: false)
        if oRst || rRst {
            let byOriginator = oRst && (!rRst || originatorResetFirst)
            if byOriginator {
                if oSyn && rSynAck { return .rsto }
                if oSyn { return .rstos0 }
                return .oth
            }
            if oSyn && !rSynAck { return .rej }
            if rSynAck && !oSyn { return .rstrh }
            if oSyn && rSynAck { return .rstr }
            return .oth
        }
        if oSyn && rSynAck {
            if oFin && rFin { return .sf }
            if oFin { return .s2 }
            if rFin { return .s3 }
            return .s1
        }
        if oSyn { return oFin ? .sh : .s0 }
        if rSynAck { return rFin ? .shr : .oth }
        return .oth
    }
}
