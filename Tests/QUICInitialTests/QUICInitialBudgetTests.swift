import Testing
@testable import QUICInitial

/// Found by adversarial testing: one UDP datagram can coalesce thousands of tiny long-header
/// "Initial" packets, each with a new Destination Connection ID, and every new DCID cost an
/// HKDF key derivation plus AEAD opens (0.3 MB of them took 14 s). The reader now opens at most
/// `maxOpenAttempts` Initials and derives keys for at most `maxKeyDerivations` DCIDs per flow.
@Suite struct QUICInitialBudgetTests {
    /// A 30-byte junk v1 Initial: first byte 0xC3 (long header, Initial, 4-byte packet number),
    /// version 1, a 1-byte DCID, no SCID, no token, Length 20, 20 bytes that never authenticate.
    static func junkInitial(dcid: UInt8) -> [UInt8] {
        [0xC3, 0, 0, 0, 1, 1, dcid, 0, 0, 20] + [UInt8](repeating: dcid &* 7 &+ 1, count: 20)
    }

    @Test func coalescedJunkInitialsCostABoundedNumberOfOpenings() {
        var datagram: [UInt8] = []
        for i in 0..<2000 { datagram += Self.junkInitial(dcid: UInt8(truncatingIfNeeded: i)) }
        var reader = QUICInitialReader()
        _ = datagram.withUnsafeBytes { reader.add(datagram: $0) }
        let c = reader.counters
        #expect(c.initialPackets == 2000)
        #expect(c.initialPacketsOpened + c.initialPacketsUndecryptable <= reader.maxOpenAttempts)
        #expect(c.initialPacketsSkipped >= 2000 - reader.maxOpenAttempts)
        #expect(c.initialPacketsOpened == 0)
    }

    @Test func sameDCIDJunkStopsAtTheOpenBudget() {
        var datagram: [UInt8] = []
        for _ in 0..<500 { datagram += Self.junkInitial(dcid: 9) }
        var reader = QUICInitialReader()
        _ = datagram.withUnsafeBytes { reader.add(datagram: $0) }
        #expect(reader.counters.initialPacketsUndecryptable == reader.maxOpenAttempts)
        #expect(reader.counters.initialPacketsSkipped == 500 - reader.maxOpenAttempts)
    }
}
