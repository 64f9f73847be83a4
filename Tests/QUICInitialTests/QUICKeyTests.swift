import Testing
import TestSupport
import PacketDecoding
@testable import QUICInitial

/// RFC 9001 Appendix A (QUIC v1) and RFC 9369 Appendix A (QUIC v2), byte for byte.
@Suite struct QUICVectorTests {
    func header(_ packet: [UInt8]) throws -> QUICLongHeader {
        try packet.withUnsafeBytes { try QUICLongHeader.parse($0).get() }
    }

    @Test func rfc9001ClientAndServerInitialKeys() {
        let c = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: .v1, endpoint: .client)
        #expect(c.secret == hex("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea"))
        #expect(c.key == hex("1f369613dd76d5467730efcbe3b1a22d"))
        #expect(c.iv == hex("fa044b2f42a3fd3b46fb255c"))
        #expect(c.headerProtectionKey == hex("9f50449e04a0e810283a1e9933adedd2"))
        let s = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: .v1, endpoint: .server)
        #expect(s.secret == hex("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b"))
        #expect(s.key == hex("cf3a5331653c364c88f0f379b6067e37"))
        #expect(s.iv == hex("0ac1493ca1905853b0bba03e"))
        #expect(s.headerProtectionKey == hex("c206b8d9b9f0f37644430b490eeaa314"))
    }

    @Test func rfc9369ClientAndServerInitialKeys() {
        let c = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: .v2, endpoint: .client)
        #expect(c.secret == hex("14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b"))
        #expect(c.key == hex("8b1a0bc121284290a29e0971b5cd045d"))
        #expect(c.iv == hex("91f73e2351d8fa91660e909f"))
        #expect(c.headerProtectionKey == hex("45b95e15235d6f45a6b19cbcb0294ba9"))
        let s = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: .v2, endpoint: .server)
        #expect(s.secret == hex("0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1"))
        #expect(s.key == hex("82db637861d55e1d011f19ea71d5d2a7"))
        #expect(s.iv == hex("dd13c276499c0249d3310652"))
        #expect(s.headerProtectionKey == hex("edf6d05c83121201b436e16877593c3a"))
    }

    @Test func headerProtectionMasks() {
        let v1 = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: .v1)
        #expect(hex("d1b1c98dd7689fb8ec11d242b123dc9b").withUnsafeBytes { v1.headerProtectionMask(sample: $0) } == hex("437b9aec36"))
        let v2 = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: .v2)
        #expect(hex("ffe67b6abcdb4298b485dd04de806071").withUnsafeBytes { v2.headerProtectionMask(sample: $0) } == hex("94a0c95e80"))
        // Not 16 bytes: no mask.
        #expect([UInt8](repeating: 0, count: 15).withUnsafeBytes { v1.headerProtectionMask(sample: $0) } == nil)
    }

    @Test(arguments: [QUICVersion.v1, .v2])
    func clientInitialOpensToTheCryptoFrame(version: QUICVersion) throws {
        let packet = version == .v1 ? Vectors.v1Packet : Vectors.v2Packet
        #expect(packet.count == 1200)
        let h = try header(packet)
        #expect(h.version == version)
        #expect(h.packetType == .initial)
        #expect(h.destinationConnectionID.bytes == Vectors.dcid)
        #expect(h.sourceConnectionID.count == 0)
        #expect(h.tokenLength == 0)
        #expect(h.packetNumberOffset == 18)   // 1 + 4 + 1 + 8 + 1 + 1 (token length) + 2 (Length 0x449e)
        #expect(h.end == 18 + 0x049e)          // Length = 1182
        let keys = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: version)
        let opened = try #require(packet.withUnsafeBytes { QUICOpenedPacket.open($0, h, keys: keys) })
        #expect(opened.header == (version == .v1 ? Vectors.v1Header : Vectors.v2Header))
        #expect(opened.packetNumber == 2)
        #expect(opened.packetNumberLength == 4)
        #expect(opened.payload.count == 1162)
        #expect(Array(opened.payload.prefix(Vectors.cryptoFrame.count)) == Vectors.cryptoFrame)
        #expect(opened.payload.dropFirst(Vectors.cryptoFrame.count).allSatisfy { $0 == 0 })
    }

    @Test func serverInitialOpensWithServerKeys() throws {
        let h = try header(Vectors.v1ServerPacket)
        #expect(h.destinationConnectionID.count == 0)
        #expect(h.sourceConnectionID.bytes == hex("f067a5502a4262b5"))
        let server = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: .v1, endpoint: .server)
        let opened = try #require(Vectors.v1ServerPacket.withUnsafeBytes { QUICOpenedPacket.open($0, h, keys: server) })
        #expect(opened.header == hex("c1000000010008f067a5502a4262b50040750001"))
        #expect(opened.packetNumber == 1)
        #expect(opened.payload == Vectors.v1ServerPlaintext)
        // Client keys do not open it (the AEAD tag fails), which is why the reader wants client datagrams only.
        let client = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: .v1)
        #expect(Vectors.v1ServerPacket.withUnsafeBytes { QUICOpenedPacket.open($0, h, keys: client) } == nil)
    }

    @Test func testSealerReproducesTheRFCPacket() {
        // Sealing RFC 9001's header and padded payload with the test sealer gives the RFC's bytes,
        // so packets the sealer builds below are real Initials.
        let keys = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: .v1)
        let payload = Vectors.cryptoFrame + [UInt8](repeating: 0, count: 1162 - Vectors.cryptoFrame.count)
        #expect(TestSealer.protect(header: Vectors.v1Header, pnOffset: 18, pnLength: 4, pn: 2, payload: payload, keys: keys) == Vectors.v1Packet)
        let keys2 = QUICInitialKeys(destinationConnectionID: Vectors.dcid, version: .v2)
        #expect(TestSealer.protect(header: Vectors.v2Header, pnOffset: 18, pnLength: 4, pn: 2, payload: payload, keys: keys2) == Vectors.v2Packet)
    }

    @Test(arguments: [QUICVersion.v1, .v2])
    func readerGetsSNIAndALPNFromTheRFCPacket(version: QUICVersion) throws {
        var reader = QUICInitialReader()
        let r = (version == .v1 ? Vectors.v1Packet : Vectors.v2Packet).withUnsafeBytes { reader.add(datagram: $0) }
        guard case .done(.clientHello(let h)) = r else { Issue.record("\(r)"); return }
        #expect(h.serverName == "example.com")
        #expect(h.alpn == ["alpn"])
        #expect(h.supportedVersions == [0x0304])
        #expect(reader.version == version)
        #expect(reader.counters.initialPacketsOpened == 1)
        #expect(reader.counters.cryptoFrames == 1)
        #expect(reader.largestPacketNumber == 2)
    }

    @Test func varintsFromRFC9000AppendixA1() {
        let cases: [([UInt8], UInt64, Int)] = [
            (hex("c2197c5eff14e88c"), 151_288_809_941_952_652, 8),
            (hex("9d7f3e7d"), 494_878_333, 4),
            (hex("7bbd"), 15_293, 2),
            (hex("25"), 37, 1),
            (hex("4025"), 37, 2),
        ]
        for (bytes, value, length) in cases {
            let v = bytes.withUnsafeBytes { readVarint($0, at: 0) }
            #expect(v?.value == value && v?.length == length)
            #expect(Array(bytes.dropLast()).withUnsafeBytes { readVarint($0, at: 0) } == nil)
        }
    }

    @Test func packetNumberRecoveryFromRFC9000AppendixA3() {
        // "if the highest successfully authenticated packet had a packet number of 0xa82f30ea,
        // then a packet containing a 16-bit value of 0x9b32 will be decoded as 0xa82f9b32."
        #expect(QUICOpenedPacket.decodePacketNumber(truncated: 0x9b32, bits: 16, largest: 0xa82f_30ea) == 0xa82f_9b32)
        #expect(QUICOpenedPacket.decodePacketNumber(truncated: 2, bits: 32, largest: -1) == 2)
        // Wrap forward: largest 0xff, 8-bit value 0x01 -> 0x101.
        #expect(QUICOpenedPacket.decodePacketNumber(truncated: 0x01, bits: 8, largest: 0xff) == 0x101)
    }
}

@Suite struct QUICReassemblyTests {
    /// A ClientHello bigger than one packet, from the shared builder.
    func bigHello() -> [UInt8] {
        var b = ClientHelloBuilder()
        b.serverName = "split.quic.example"
        b.alpn = ["h3"]
        b.supportedVersions = [0x0304]
        b.extraExtensions = [(0x0039, [UInt8](repeating: 7, count: 1500))]  // quic_transport_parameters
        return b.handshake
    }

    @Test(arguments: [QUICVersion.v1, .v2])
    func clientHelloSplitOverTwoInitialPacketsInTwoDatagrams(version: QUICVersion) throws {
        let hello = bigHello()
        let dcid: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        let cut = 1000
        // Second datagram carries the head, first datagram carries the tail, in two CRYPTO frames
        // around a PING, as Chrome shuffles them.
        let tail = TestSealer.initial(version: version, dcid: dcid, scid: [9, 9], pn: 0,
                                      payload: [0x01] + TestSealer.cryptoFrame(offset: cut, hello[cut...]), padTo: 1162)
        let head = TestSealer.initial(version: version, dcid: dcid, scid: [9, 9], pn: 1, pnLength: 2,
                                      payload: TestSealer.cryptoFrame(offset: 500, hello[500..<cut]) + [0x01]
                                          + TestSealer.cryptoFrame(offset: 0, hello[0..<500]), padTo: 1100)
        var reader = QUICInitialReader()
        #expect(tail.withUnsafeBytes { reader.add(datagram: $0) } == .needMore)
        #expect(reader.crypto.contiguousLength == 0)
        let r = head.withUnsafeBytes { reader.add(datagram: $0) }
        guard case .done(.clientHello(let h)) = r else { Issue.record("\(r)"); return }
        #expect(h.serverName == "split.quic.example")
        #expect(h.alpn == ["h3"])
        #expect(h.handshakeLength == hello.count - 4)
        #expect(reader.counters.initialPacketsOpened == 2)
        #expect(reader.counters.cryptoFrames == 3)
        #expect(reader.largestPacketNumber == 1)
    }

    @Test func coalescedInitialsAndAHandshakePacketInOneDatagram() throws {
        let hello = bigHello()
        let dcid: [UInt8] = [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11]
        let a = TestSealer.initial(version: .v1, dcid: dcid, pn: 0, payload: TestSealer.cryptoFrame(offset: 0, hello[0..<800]))
        let b = TestSealer.initial(version: .v1, dcid: dcid, pn: 1, payload: TestSealer.cryptoFrame(offset: 800, hello[800...]))
        // A v1 Handshake-type packet (type bits 10) with a 30-byte Length: skipped by its Length.
        let handshake: [UInt8] = [0xe0, 0, 0, 0, 1, 8] + dcid + [0] + TestSealer.varint2(30) + [UInt8](repeating: 0x55, count: 30)
        var reader = QUICInitialReader()
        let datagram = a + handshake + b + [0, 0, 0]  // trailing zeros: padding after the last packet
        let r = datagram.withUnsafeBytes { reader.add(datagram: $0) }
        guard case .done(.clientHello(let h)) = r else { Issue.record("\(r)"); return }
        #expect(h.serverName == "split.quic.example")
        #expect(reader.counters.otherLongHeaderPackets == 1)
        #expect(reader.counters.initialPacketsOpened == 2)
        #expect(reader.counters.headerErrors == 1)  // the trailing zeros
    }

    @Test func laterInitialWithTheServersConnectionIDUsesTheOriginalKeys() throws {
        // RFC 9001 section 5.2: keys come from the first DCID even after the client switches to
        // the server's SCID. Build the second packet with the new DCID but the old keys.
        let hello = bigHello()
        let original: [UInt8] = [1, 1, 1, 1, 2, 2, 2, 2]
        let serverChosen: [UInt8] = [7, 7, 7, 7]
        let first = TestSealer.initial(version: .v1, dcid: original, pn: 0, payload: TestSealer.cryptoFrame(offset: 0, hello[0..<900]))
        var header: [UInt8] = [0xc1, 0, 0, 0, 1, UInt8(serverChosen.count)] + serverChosen + [0, 0]
        let payload = TestSealer.cryptoFrame(offset: 900, hello[900...])
        header += TestSealer.varint2(2 + payload.count + 16)
        let pnOffset = header.count
        header += [0, 1]
        let second = TestSealer.protect(header: header, pnOffset: pnOffset, pnLength: 2, pn: 1, payload: payload,
                                        keys: QUICInitialKeys(destinationConnectionID: original, version: .v1))
        var reader = QUICInitialReader()
        #expect(first.withUnsafeBytes { reader.add(datagram: $0) } == .needMore)
        let r = second.withUnsafeBytes { reader.add(datagram: $0) }
        guard case .done(.clientHello(let h)) = r else { Issue.record("\(r)"); return }
        #expect(h.serverName == "split.quic.example")
        #expect(reader.originalDestinationConnectionID?.bytes == original)
    }

    @Test func versionSwitchToV2KeepsTheFirstDCID() throws {
        // Compatible version negotiation (RFC 9368): first Initial in v1, the next in v2 with the
        // server's connection ID, both keyed from the first DCID (with each version's salt).
        let hello = bigHello()
        let original: [UInt8] = [3, 1, 4, 1, 5, 9, 2, 6]
        let first = TestSealer.initial(version: .v1, dcid: original, pn: 0, payload: TestSealer.cryptoFrame(offset: 0, hello[0..<700]))
        let serverChosen: [UInt8] = [8, 8, 8, 8, 8]
        var header: [UInt8] = [0xc0 | (1 << 4) | 1] + [0x6b, 0x33, 0x43, 0xcf] + [UInt8(serverChosen.count)] + serverChosen + [0, 0]
        let payload = TestSealer.cryptoFrame(offset: 700, hello[700...])
        header += TestSealer.varint2(2 + payload.count + 16)
        let pnOffset = header.count
        header += [0, 1]
        let second = TestSealer.protect(header: header, pnOffset: pnOffset, pnLength: 2, pn: 1, payload: payload,
                                        keys: QUICInitialKeys(destinationConnectionID: original, version: .v2))
        var reader = QUICInitialReader()
        #expect(first.withUnsafeBytes { reader.add(datagram: $0) } == .needMore)
        let r = second.withUnsafeBytes { reader.add(datagram: $0) }
        guard case .done(.clientHello(let h)) = r else { Issue.record("\(r)"); return }
        #expect(h.serverName == "split.quic.example")
        #expect(reader.version == .v1)
        #expect(reader.counters.initialPacketsOpened == 2)
    }

    @Test func cryptoReassemblerKeepsFirstBytesAndBoundsRanges() {
        var c = QUICCryptoReassembler(capacity: 100)
        [UInt8](repeating: 1, count: 10).withUnsafeBytes { c.add(offset: 5, $0) }
        [UInt8](repeating: 2, count: 20).withUnsafeBytes { c.add(offset: 0, $0) }  // overlaps 5..<15
        #expect(c.contiguousLength == 20)
        #expect(Array(c.buffer[0..<5]) == [2, 2, 2, 2, 2])
        #expect(Array(c.buffer[5..<15]) == [UInt8](repeating: 1, count: 10))  // first copy kept
        #expect(Array(c.buffer[15..<20]) == [2, 2, 2, 2, 2])
        // Beyond capacity: dropped and counted.
        [UInt8](repeating: 3, count: 30).withUnsafeBytes { c.add(offset: 90, $0) }
        #expect(c.bytesBeyondCapacity == 20)
        #expect(c.ranges == [0..<20, 90..<100])
        // Too many disjoint ranges: frames dropped, memory bounded.
        var d = QUICCryptoReassembler(capacity: 16_384)
        for i in 0..<200 { [UInt8](repeating: 9, count: 1).withUnsafeBytes { d.add(offset: UInt64(10 + i * 3), $0) } }
        #expect(d.ranges.count == QUICCryptoReassembler.maxRanges)
        #expect(d.framesDropped == 200 - QUICCryptoReassembler.maxRanges)
    }
}

@Suite struct QUICHostileInputTests {
    @Test func everyPrefixOfTheRFCPacketIsSafe() {
        for version in [QUICVersion.v1, .v2] {
            let packet = version == .v1 ? Vectors.v1Packet : Vectors.v2Packet
            for n in 0..<packet.count {
                var reader = QUICInitialReader()
                let r = Array(packet.prefix(n)).withUnsafeBytes { reader.add(datagram: $0) }
                #expect(r == .needMore, "prefix \(n)")
                #expect(reader.counters.initialPacketsOpened == 0)
            }
        }
    }

    @Test func everySingleBitFlipIsRejectedOrHarmless() {
        // Flipping any bit after the header breaks the AEAD tag (or the sample, hence the mask):
        // never a ClientHello from a corrupted packet.
        let packet = Vectors.v1Packet
        var rng = SplitMix64(seed: 9001)
        for _ in 0..<400 {
            var p = packet
            let i = 18 + Int(rng.next() % UInt64(p.count - 18))
            p[i] ^= UInt8(1) << UInt8(rng.next() % 8)
            var reader = QUICInitialReader()
            #expect(p.withUnsafeBytes { reader.add(datagram: $0) } == .needMore)
            #expect(reader.counters.initialPacketsUndecryptable == 1)
        }
    }

    @Test func readerGivesUpAfterMaxDatagrams() {
        var reader = QUICInitialReader(maxDatagrams: 3)
        let junk = [UInt8](repeating: 0xc0, count: 50)
        #expect(junk.withUnsafeBytes { reader.add(datagram: $0) } == .needMore)
        #expect(junk.withUnsafeBytes { reader.add(datagram: $0) } == .needMore)
        // Third datagram: nothing in the CRYPTO stream, so the partial parse asks for its 4-byte header.
        #expect(junk.withUnsafeBytes { reader.add(datagram: $0) } == .done(.needMoreBytes(total: 4)))
        #expect(reader.counters.datagrams == 3)
        #expect(junk.withUnsafeBytes { reader.add(datagram: $0) } == .done(.needMoreBytes(total: 4)))
    }

    @Test func headerErrorsAreNamed() {
        func err(_ bytes: [UInt8]) -> QUICHeaderError? {
            if case .failure(let e) = bytes.withUnsafeBytes({ QUICLongHeader.parse($0) }) { return e }
            return nil
        }
        #expect(err([0x40, 1, 2, 3]) == .notLongHeader)                         // short header
        #expect(err([0xc0, 0, 0, 0, 0, 0, 0]) == .unsupportedVersion)            // version negotiation
        #expect(err([0xc0, 0xff, 0, 0, 0x1d, 8]) == .unsupportedVersion)         // draft-29
        #expect(err([0xc0, 0, 0, 0, 1, 21] + [UInt8](repeating: 0, count: 30)) == .connectionIDTooLong)
        #expect(err([0xc0, 0, 0, 0, 1, 8, 1, 2]) == .truncated)
        // Token length 2000 (> 1024).
        #expect(err([0xc0, 0, 0, 0, 1, 0, 0, 0x47, 0xd0]) == .tokenTooLong)
        // Length 10 (< 20 needed for a packet number and a sample).
        #expect(err([0xc0, 0, 0, 0, 1, 0, 0, 0, 10] + [UInt8](repeating: 0, count: 10)) == .badLength)
        // Length past the datagram.
        #expect(err([0xc0, 0, 0, 0, 1, 0, 0, 0, 0x40, 100] + [UInt8](repeating: 0, count: 50)) == .badLength)
    }

    @Test func randomDatagramsNeverTrap() {
        var rng = SplitMix64(seed: 0x9369)
        for round in 0..<2000 {
            var d: [UInt8]
            if round % 2 == 0 {
                d = (0..<Int(rng.next() % 1400)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                if !d.isEmpty { d[0] |= 0xc0 }
                if d.count > 5 { d[1] = 0; d[2] = 0; d[3] = 0; d[4] = 1 }
            } else {
                d = Vectors.v2Packet
                for _ in 0..<4 { d[Int(rng.next() % UInt64(d.count))] = UInt8(truncatingIfNeeded: rng.next()) }
                d = Array(d.prefix(Int(rng.next() % UInt64(d.count + 1))))
            }
            var reader = QUICInitialReader()
            _ = d.withUnsafeBytes { reader.add(datagram: $0) }
            _ = reader.finishPartial()
        }
    }

    @Test func frameWalkStopsOnUnknownAndMalformedFrames() {
        var c = QUICCryptoReassembler()
        // PADDING, PING, ACK(largest 5, delay 0, 1 extra range, first 2, gap 0, len 1), then STREAM (0x08).
        var w = [UInt8]([0, 0, 1, 2, 5, 0, 1, 2, 0, 1, 0x08, 0xff]).withUnsafeBytes { walkInitialFrames($0, into: &c) }
        #expect(w.paddingBytes == 2 && w.pingFrames == 1 && w.ackFrames == 1)
        #expect(w.stoppedAtFrameType == 0x08)
        #expect(!w.malformed)
        // ACK claiming 10^6 ranges in 3 bytes: malformed at once (no long loop).
        w = [UInt8]([2, 5, 0, 0x80, 0x0f, 0x42, 0x40, 0, 0]).withUnsafeBytes { walkInitialFrames($0, into: &c) }
        #expect(w.malformed)
        // CRYPTO whose length runs past the payload.
        w = [UInt8]([6, 0, 0x40, 100, 1, 2, 3]).withUnsafeBytes { walkInitialFrames($0, into: &c) }
        #expect(w.malformed && w.cryptoFrames == 0)
    }
}
