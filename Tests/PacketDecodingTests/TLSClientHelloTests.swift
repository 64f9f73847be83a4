import Testing
import TestSupport
@testable import PacketDecoding

/// The ClientHello of RFC 9001 Appendix A.2 (the CRYPTO frame's data, after the frame's
/// 4-byte type/offset/length header 06 00 40f1). Decoded by hand from the RFC's bytes:
/// legacy_version 0303, empty session id, cipher suites 1301 1302, server_name "example.com",
/// ALPN "alpn", supported_versions [0304], 11 extensions in all
/// (0000 ff01 000a 0010 0005 0033 002b 000d 002d 001c 0039), body length 0xed = 237.
let rfc9001ClientHello = hex("""
    010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868
    04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578
    616d706c652e636f6dff01000100000a00080006001d00170018001000070005
    04616c706e000500050100000000003300260024001d00209370b2c9caa47fba
    baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400
    0d0010000e0403050306030203080408050806002d00020101001c0002400100
    3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000
    75300901100f088394c8f03e51570806048000ffff
    """)

@Suite struct TLSClientHelloTests {
    func parse(records: [UInt8], allowPartial: Bool = false) -> TLSClientHelloResult {
        records.withUnsafeBytes { TLSClientHello.parse(records: $0, allowPartial: allowPartial) }
    }

    func hello(_ r: TLSClientHelloResult) -> TLSClientHello? {
        if case .clientHello(let h) = r { return h }
        return nil
    }

    @Test func rfc9001VectorReadsSNIALPNAndVersions() throws {
        #expect(rfc9001ClientHello.count == 4 + 237)
        let h = try #require(hello(rfc9001ClientHello.withUnsafeBytes { TLSClientHello.parse(handshake: $0) }))
        #expect(h.legacyVersion == 0x0303)
        #expect(h.recordVersion == nil)
        #expect(h.serverName == "example.com")
        #expect(h.alpn == ["alpn"])
        #expect(h.supportedVersions == [0x0304])
        #expect(h.offeredVersion == 0x0304)
        #expect(h.cipherSuiteCount == 2)
        #expect(h.extensionCount == 11)
        #expect(h.handshakeLength == 237)
        #expect(!h.hasEncryptedClientHello)
        #expect(h.anomalies == 0)
        #expect(h.isComplete)
        // The same message in a record stream reads the same, plus the record version.
        let inRecord = ClientHelloBuilder.records(rfc9001ClientHello, fragmentSize: 16_384)
        var expected = h
        expected.recordVersion = 0x0301
        #expect(parse(records: inRecord) == .clientHello(expected))
    }

    @Test func builtHelloWithSNIALPNAndGreasedVersions() throws {
        var b = ClientHelloBuilder()
        b.serverName = "www.example.org"
        b.alpn = ["h2", "http/1.1"]
        b.supportedVersions = [0x7a7a, 0x0304, 0x0303]
        b.cipherSuites = [0x0a0a, 0x1301, 0x1302, 0xc02b]
        let h = try #require(hello(parse(records: b.record)))
        #expect(h.serverName == "www.example.org")
        #expect(h.alpn == ["h2", "http/1.1"])
        #expect(h.alpnCount == 2)
        #expect(h.supportedVersions == [0x7a7a, 0x0304, 0x0303])
        #expect(h.offeredVersion == 0x0304)  // GREASE 0x7a7a is not a version (RFC 8701)
        #expect(h.cipherSuiteCount == 4)
        #expect(h.extensionCount == 3)
        #expect(h.recordVersion == 0x0301)
        #expect(h.handshakeLength == b.body.count)
    }

    @Test func tls12HelloWithoutExtensions() throws {
        var b = ClientHelloBuilder()
        b.noExtensions = true
        b.sessionID = []
        let h = try #require(hello(parse(records: b.record)))
        #expect(h.serverName == nil)
        #expect(h.extensionCount == 0)
        #expect(h.offeredVersion == 0x0303)
        // Hand count: 2 + 32 + 1 + (2 + 6) + 2 = 45 body bytes.
        #expect(h.handshakeLength == 45)
    }

    @Test func encryptedClientHelloFlagsTheOuterName() throws {
        var b = ClientHelloBuilder()
        b.serverName = "public.example.net"
        b.supportedVersions = [0x0304]
        // ECHClientHello outer: type 0, cipher suite (kdf 0001, aead 0001), config_id 7,
        // enc<2> of 32 bytes, payload<2> of 40 bytes (draft-ietf-tls-esni section 5).
        b.echBody = [0, 0, 1, 0, 1, 7] + ClientHelloBuilder.be16(32) + Array(repeating: 0xee, count: 32)
            + ClientHelloBuilder.be16(40) + Array(repeating: 0xdd, count: 40)
        let h = try #require(hello(parse(records: b.record)))
        #expect(h.hasEncryptedClientHello)
        #expect(h.encryptedClientHelloType == 0)
        #expect(h.serverName == "public.example.net")
    }

    @Test func clientHelloSplitOverTwoRecords() throws {
        var b = ClientHelloBuilder()
        b.serverName = "split.example"
        b.alpn = ["h2"]
        let message = b.handshake
        let two = ClientHelloBuilder.records(message, fragmentSize: 30)  // header + 26 body bytes in the first
        #expect(two.count > message.count + 5)  // more than one record header
        let h = try #require(hello(parse(records: two)))
        #expect(h.serverName == "split.example")
        #expect(h.alpn == ["h2"])
        // Every prefix of the multi-record stream asks for more, never for fewer bytes than it has.
        for n in 0..<two.count {
            let r = parse(records: Array(two.prefix(n)))
            guard case .needMoreBytes(let total) = r else { Issue.record("prefix \(n): \(r)"); continue }
            #expect(total > n && total <= two.count, "prefix \(n) -> \(total)")
        }
    }

    @Test func everyTruncatedPrefixAsksForExactlyTheRest() throws {
        var b = ClientHelloBuilder()
        b.serverName = "prefix.example.com"
        b.alpn = ["h3", "h2"]
        b.supportedVersions = [0x0304]
        let record = b.record
        for n in 0..<record.count {
            let prefix = Array(record.prefix(n))
            let r = parse(records: prefix)
            // One record: fewer than 5 bytes -> 5; then the 4-byte handshake header (9); then the
            // message's full length is known.
            let want = n < 5 ? 5 : (n < 9 ? 9 : record.count)
            #expect(r == .needMoreBytes(total: want), "prefix \(n)")
            // The partial reading never crashes, never invents a longer name than the bytes hold.
            if case .clientHello(let h) = parse(records: prefix, allowPartial: true) {
                #expect(!h.isComplete)
                if let name = h.serverName { #expect(name == "prefix.example.com") }
            }
        }
    }

    @Test func partialReadFindsSNIBeforeTheCut() throws {
        var b = ClientHelloBuilder()
        b.serverName = "early.example"
        b.extraExtensions = [(0x0015, Array(repeating: 0, count: 3000))]  // padding (RFC 7685)
        let record = b.record
        let cut = Array(record.prefix(200))
        let h = try #require(hello(parse(records: cut, allowPartial: true)))
        #expect(h.serverName == "early.example")
        #expect(!h.isComplete)
    }

    @Test func notClientHelloAndMalformedHeaders() {
        #expect(parse(records: Array("GET / HTTP/1.1\r\n".utf8)) == .notClientHello)
        // Handshake record with a ServerHello (type 2).
        #expect(parse(records: [22, 3, 3, 0, 4, 2, 0, 0, 0]) == .notClientHello)
        // Record length above 2^14 (RFC 8446 section 5.1).
        #expect(parse(records: [22, 3, 1, 0x40, 0x01, 1, 0, 0, 0]) == .malformed(.badRecordHeader))
        // Version major byte not 3.
        #expect(parse(records: [22, 2, 0, 0, 4, 1, 0, 0, 0]) == .malformed(.badRecordHeader))
        // Session id length 33 (RFC 8446: legacy_session_id<0..32>).
        var body: [UInt8] = [3, 3] + Array(repeating: 0, count: 32) + [33] + Array(repeating: 0, count: 33) + [0, 2, 0x13, 0x01, 1, 0]
        #expect(parse(records: ClientHelloBuilder.records([1] + ClientHelloBuilder.be24(body.count) + body, fragmentSize: 16_384))
                == .malformed(.bodyMalformed))
        // Odd cipher-suite length.
        body = [3, 3] + Array(repeating: 0, count: 32) + [0, 0, 3, 0x13, 0x01, 0x13, 1, 0]
        #expect(parse(records: ClientHelloBuilder.records([1] + ClientHelloBuilder.be24(body.count) + body, fragmentSize: 16_384))
                == .malformed(.bodyMalformed))
        // Handshake length beyond the limit.
        let big: [UInt8] = [22, 3, 1, 0, 4, 1, 0x10, 0, 0]
        #expect(big.withUnsafeBytes { TLSClientHello.parse(records: $0, maxHandshakeLength: 4096) } == .malformed(.handshakeTooLong))
    }

    @Test func capsAndAnomalies() throws {
        // SNI of 256 bytes: refused, flagged.
        var b = ClientHelloBuilder()
        b.serverName = String(repeating: "a", count: 256)
        var h = try #require(hello(parse(records: b.record)))
        #expect(h.serverName == nil)
        #expect(h.has(.serverNameTooLong))
        // 255 bytes: kept.
        b.serverName = String(repeating: "b", count: 255)
        h = try #require(hello(parse(records: b.record)))
        #expect(h.serverName?.utf8.count == 255)
        // 20 ALPN names: 16 kept, 20 counted.
        b = ClientHelloBuilder()
        b.alpn = (0..<20).map { "p\($0)" }
        h = try #require(hello(parse(records: b.record)))
        #expect(h.alpn.count == TLSClientHello.maxALPNEntries)
        #expect(h.alpn.last == "p15")
        #expect(h.alpnCount == 20)
        #expect(h.has(.alpnTooMany))
        // Two server_name extensions: the first wins, flagged.
        b = ClientHelloBuilder()
        b.serverName = "first.example"
        let second: [UInt8] = [0] + ClientHelloBuilder.be16(14) + Array("second.example".utf8)
        b.extraExtensions = [(0, ClientHelloBuilder.be16(second.count) + second)]
        h = try #require(hello(parse(records: b.record)))
        #expect(h.serverName == "first.example")
        #expect(h.has(.duplicateExtension))
        // An empty ALPN name (RFC 7301 section 3.1 forbids it).
        b = ClientHelloBuilder()
        b.extraExtensions = [(16, ClientHelloBuilder.be16(4) + [0] + [2] + Array("h2".utf8))]
        h = try #require(hello(parse(records: b.record)))
        #expect(h.has(.alpnMalformed))
        #expect(h.alpn == ["h2"])
        // Bytes that are not UTF-8 survive as \xNN (UntrustedText), so distinct bad names stay
        // distinct (U+FFFD made them one); the renderer still escapes the result.
        b = ClientHelloBuilder()
        let raw: [UInt8] = [0x61, 0xff, 0x62]
        let entry: [UInt8] = [0] + ClientHelloBuilder.be16(raw.count) + raw
        b.extraExtensions = [(0, ClientHelloBuilder.be16(entry.count) + entry)]
        h = try #require(hello(parse(records: b.record)))
        #expect(h.serverName == "a\\xffb")
    }

    @Test func looksLikeClientHelloByContent() {
        var b = ClientHelloBuilder()
        b.serverName = "x.example"
        #expect(b.record.withUnsafeBytes { TLSClientHello.looksLikeClientHello($0) })
        #expect(![UInt8]([22, 3, 1, 0]).withUnsafeBytes { TLSClientHello.looksLikeClientHello($0) })
        #expect(!Array("SSH-2.0-OpenSSH".utf8).withUnsafeBytes { TLSClientHello.looksLikeClientHello($0) })
    }

    @Test func randomBytesNeverTrap() {
        var rng = SplitMix64(seed: 0x7151)
        var b = ClientHelloBuilder()
        b.serverName = "fuzz.example"
        b.alpn = ["h2"]
        b.supportedVersions = [0x0304]
        let base = b.record
        for _ in 0..<3000 {
            var bytes = base
            // Flip a few bytes of a valid hello (keeps the parser deep in the message).
            for _ in 0..<Int(rng.next() % 4 + 1) {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            let cut = Int(rng.next() % UInt64(bytes.count + 1))
            _ = parse(records: Array(bytes.prefix(cut)))
            _ = parse(records: Array(bytes.prefix(cut)), allowPartial: true)
            _ = Array(bytes.dropFirst(5).prefix(cut)).withUnsafeBytes { TLSClientHello.parse(handshake: $0, allowPartial: true) }
        }
    }
}

@Suite struct TLSClientHelloAccumulatorTests {
    func builtRecord() -> [UInt8] {
        var b = ClientHelloBuilder()
        b.serverName = "reassembled.example.com"
        b.alpn = ["h2", "http/1.1"]
        b.supportedVersions = [0x0304, 0x0303]
        b.extraExtensions = [(0x0015, Array(repeating: 0, count: 1600))]  // a 2-segment hello
        return b.record
    }

    func expectDone(_ a: TLSClientHelloAccumulation, sni: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .done(.clientHello(let h)) = a else { Issue.record("not done: \(a)", sourceLocation: sourceLocation); return }
        #expect(h.serverName == sni, sourceLocation: sourceLocation)
        #expect(h.isComplete, sourceLocation: sourceLocation)
    }

    @Test func twoSegmentsAtEverySplitPoint() {
        let record = builtRecord()
        #expect(record.count > 1460)
        for split in 1..<record.count {
            var acc = TLSClientHelloAccumulator()
            let seq: UInt32 = 0xffff_ff00  // wraps inside the stream
            let first = Array(record[0..<split]), second = Array(record[split...])
            #expect(first.withUnsafeBytes { acc.add($0, sequenceNumber: seq) } == .needMore)
            let r = second.withUnsafeBytes { acc.add($0, sequenceNumber: seq &+ UInt32(split)) }
            expectDone(r, sni: "reassembled.example.com")
        }
    }

    @Test func retransmissionAndReorderingWithKnownISN() {
        let record = builtRecord()
        let isn: UInt32 = 1000
        let a = Array(record[0..<1000]), b = Array(record[1000..<1400]), c = Array(record[1400...])
        var acc = TLSClientHelloAccumulator(initialSequence: isn)
        // Second and third segments arrive first (kept aside), then a retransmitted overlap.
        #expect(b.withUnsafeBytes { acc.add($0, sequenceNumber: isn + 1000) } == .needMore)
        #expect(c.withUnsafeBytes { acc.add($0, sequenceNumber: isn + 1400) } == .needMore)
        #expect(acc.outOfOrderSegments == 2)
        expectDone(a.withUnsafeBytes { acc.add($0, sequenceNumber: isn) }, sni: "reassembled.example.com")

        // Retransmission of the first segment, then an overlapping segment (bytes 900..<1500).
        var acc2 = TLSClientHelloAccumulator()
        #expect(a.withUnsafeBytes { acc2.add($0, sequenceNumber: 5) } == .needMore)
        #expect(a.withUnsafeBytes { acc2.add($0, sequenceNumber: 5) } == .needMore)
        #expect(acc2.duplicateBytes == 1000)
        let overlap = Array(record[900..<1500])
        #expect(overlap.withUnsafeBytes { acc2.add($0, sequenceNumber: 5 + 900) } == .needMore)
        #expect(acc2.duplicateBytes == 1100)
        #expect(acc2.bytes.count == 1500)
        expectDone(Array(record[1500...]).withUnsafeBytes { acc2.add($0, sequenceNumber: 5 + 1500) }, sni: "reassembled.example.com")
    }

    @Test func capacityReachedGivesPartialHello() throws {
        var b = ClientHelloBuilder()
        b.serverName = "big.example"
        b.extraExtensions = [(0x0015, Array(repeating: 0, count: 9000))]
        let record = b.record
        var acc = TLSClientHelloAccumulator(capacity: 4096)
        let r = Array(record.prefix(1400)).withUnsafeBytes { acc.add($0, sequenceNumber: 1) }
        // The record announces more than 4096 bytes: read partially at once.
        guard case .done(.clientHello(let h)) = r else { Issue.record("\(r)"); return }
        #expect(h.serverName == "big.example")
        #expect(!h.isComplete)
        #expect(acc.reachedCapacity)
    }

    @Test func notTLSStopsAtOnce() {
        var acc = TLSClientHelloAccumulator()
        #expect(Array("GET / HTTP/1.1\r\n".utf8).withUnsafeBytes { acc.add($0, sequenceNumber: 7) } == .done(.notClientHello))
        // Later segments change nothing.
        #expect(builtRecord().withUnsafeBytes { acc.add($0, sequenceNumber: 7 + 16) } == .done(.notClientHello))
    }

    @Test func boundedUnderManyGapSegments() {
        var acc = TLSClientHelloAccumulator()
        let record = builtRecord()
        #expect(Array(record.prefix(10)).withUnsafeBytes { acc.add($0, sequenceNumber: 0) } == .needMore)
        for i in 0..<100 {
            _ = [UInt8](repeating: 1, count: 100).withUnsafeBytes { acc.add($0, sequenceNumber: UInt32(200 + i * 150)) }
        }
        #expect(acc.outOfOrderSegments == TLSClientHelloAccumulator.maxPendingSegments)
        #expect(acc.droppedSegments == 100 - TLSClientHelloAccumulator.maxPendingSegments)
    }
}

@Suite struct TLSServerHelloTests {
    /// RFC 9001 Appendix A.3: the server Initial's plaintext is ACK (02 00 00 00 00), then CRYPTO
    /// (06 00 405a) holding a ServerHello: legacy_version 0303, empty session id, cipher suite
    /// 1301, key_share and supported_versions 0304.
    let serverInitialPlaintext = hex("""
        02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739
        88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94
        0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00
        020304
        """)

    @Test func rfc9001ServerHello() throws {
        let message = Array(serverInitialPlaintext.dropFirst(9))
        #expect(message.count == 4 + 0x56)
        var expected = TLSServerHello()
        expected.legacyVersion = 0x0303
        expected.selectedVersion = 0x0304
        expected.cipherSuite = 0x1301
        #expect(message.withUnsafeBytes { TLSServerHello.parse(handshake: $0) } == .serverHello(expected))
        let record = ClientHelloBuilder.records(message, fragmentSize: 16_384, version: 0x0303)
        #expect(record.withUnsafeBytes { TLSServerHello.parse(records: $0) } == .serverHello(expected))
        for n in 0..<record.count {
            let r = Array(record.prefix(n)).withUnsafeBytes { TLSServerHello.parse(records: $0) }
            #expect(r == .needMoreBytes(total: n < 5 ? 5 : (n < 9 ? 9 : record.count)), "prefix \(n)")
        }
    }

    @Test func helloRetryRequestAlertAndTLS12() {
        var hrr = Array(serverInitialPlaintext.dropFirst(9))
        for i in 0..<32 { hrr[6 + i] = TLSServerHello.helloRetryRequestRandom[i] }
        if case .serverHello(let h) = hrr.withUnsafeBytes({ TLSServerHello.parse(handshake: $0) }) {
            #expect(h.isHelloRetryRequest)
        } else { Issue.record("not read") }
        // An alert record (type 21): the handshake was refused, not answered with a ServerHello.
        #expect([UInt8]([21, 3, 3, 0, 2, 2, 40]).withUnsafeBytes { TLSServerHello.parse(records: $0) } == .notServerHello)
        // A warning alert (unrecognized_name, RFC 6066) before the ServerHello is skipped; a fatal one is not.
        let message = Array(serverInitialPlaintext.dropFirst(9))
        let withWarning: [UInt8] = [21, 3, 3, 0, 2, 1, 112] + ClientHelloBuilder.records(message, fragmentSize: 16_384, version: 0x0303)
        if case .serverHello(let h) = withWarning.withUnsafeBytes({ TLSServerHello.parse(records: $0) }) {
            #expect(h.cipherSuite == 0x1301)
        } else { Issue.record("warning alert not skipped") }
        #expect(([21, 3, 3, 0, 2, 2, 112] + Array(withWarning.dropFirst(7))).withUnsafeBytes { TLSServerHello.parse(records: $0) } == .notServerHello)
        // TLS 1.2 ServerHello without extensions: version from legacy_version.
        let body: [UInt8] = [3, 3] + [UInt8](repeating: 1, count: 32) + [0, 0xc0, 0x2f, 0]
        let tls12 = [2] + ClientHelloBuilder.be24(body.count) + body
        if case .serverHello(let h) = tls12.withUnsafeBytes({ TLSServerHello.parse(handshake: $0) }) {
            #expect(h.selectedVersion == 0x0303 && h.cipherSuite == 0xc02f && !h.isHelloRetryRequest)
        } else { Issue.record("not read") }
        // Session id longer than 32: malformed.
        let bad: [UInt8] = [2, 0, 0, 38, 3, 3] + [UInt8](repeating: 0, count: 32) + [33] + [UInt8](repeating: 0, count: 3)
        #expect(bad.withUnsafeBytes { TLSServerHello.parse(handshake: $0) } == .malformed)
    }
}

/// Inputs found by `Fuzz/run.sh FuzzClientHello` (Fuzz/README.md).
@Suite struct TLSClientHelloFuzzRegressionTests {
    /// crash-520c70970500b02668a9c5203a9b81f6f565cc4a, reduced by hand: a 237-byte ClientHello
    /// whose first 100 bytes sit in one record and the rest in a second record that announces
    /// 16384 bytes (more than the message needs). The parser used to wait for the whole second
    /// record, so the accumulator (16 KiB) gave up with a partial read when the stream came in two
    /// segments, yet read it whole in one: it must need only the message's bytes.
    @Test func messageEndsBeforeItsLastRecord() throws {
        let message = rfc9001ClientHello  // 241 bytes
        let first = [22, 3, 1] + ClientHelloBuilder.be16(100) + Array(message[0..<100])
        let second = [22, 3, 1] + ClientHelloBuilder.be16(16_384) + Array(message[100...]) + [UInt8](repeating: 0xab, count: 40)
        let stream = first + second
        guard case .clientHello(let whole) = stream.withUnsafeBytes({ TLSClientHello.parse(records: $0) }) else {
            Issue.record("not read whole"); return
        }
        #expect(whole.serverName == "example.com" && whole.isComplete)
        // Cut inside the second record: it asks exactly for the rest of the message.
        let cut = Array(stream.prefix(105 + 5 + 20))
        #expect(cut.withUnsafeBytes { TLSClientHello.parse(records: $0) } == .needMoreBytes(total: 105 + 5 + 141))
        var acc = TLSClientHelloAccumulator()
        #expect(cut.withUnsafeBytes { acc.add($0, sequenceNumber: 1) } == .needMore)
        let rest = Array(stream[cut.count...])
        #expect(rest.withUnsafeBytes { acc.add($0, sequenceNumber: 1 + UInt32(cut.count)) } == .done(.clientHello(whole)))
    }

    /// crash-1b9f7de63c596a8ef42089fbf3e18c80aca2c366 (after the 2 harness bytes): a record of
    /// 0x64 = 100 bytes announcing a 0xed = 237-byte ClientHello, cut after 22 bytes of the record,
    /// inside the random. The harness asserted "cipher suites >= 1" for every ClientHello result,
    /// but a partial read (`allowPartial`) that ends before the cipher suites rightly has 0: the
    /// check was wrong, not the parser. Pinned: needMoreBytes(5 + 100) whole; a partial read with
    /// legacy_version 0x0303, no cipher suites and isComplete false.
    @Test func partialHelloEndingInTheRandom() throws {
        let stream = hex("1603010064010000ed0303ebf8fa566948 4c584a000004131570 6e")
        #expect(stream.count == 27)
        #expect(stream.withUnsafeBytes { TLSClientHello.parse(records: $0) } == .needMoreBytes(total: 105))
        guard case .clientHello(let h) = stream.withUnsafeBytes({ TLSClientHello.parse(records: $0, allowPartial: true) }) else {
            Issue.record("no partial read"); return
        }
        #expect(!h.isComplete)
        #expect(h.legacyVersion == 0x0303)
        #expect(h.cipherSuiteCount == 0)
        #expect(h.handshakeLength == 237)
        #expect(h.recordVersion == 0x0301)
    }
}
