import PacketDecoding
import FuzzSupport

/// TLS ClientHello parser and the per-connection accumulator (and the ServerHello and HTTP/1.x
/// request-head readers, which read the same first bytes of a connection). Input: byte 0 = split point
/// selector (the rest is cut into two TCP segments at `byte0 * len / 256`), byte 1 bit 0 = feed
/// the second segment first (reordering); the rest is the client's stream.
/// Checks: results are deterministic; caps hold (SNI <= 255 bytes, ALPN <= 16 names, versions
/// <= 16); `needMoreBytes` asks for more than it was given; a complete ClientHello from the
/// whole stream is found again when the stream arrives in two segments, in either order.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientHello(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let stream = UnsafeRawBufferPointer(start: data + 2, count: size - 2)
    let whole = TLSClientHello.parse(records: stream)
    FuzzSupport.check(whole == TLSClientHello.parse(records: stream), "parse is not deterministic")
    checkCaps(whole)
    if case .needMoreBytes(let total) = whole {
        FuzzSupport.check(total > stream.count, "needMoreBytes(\(total)) for \(stream.count) bytes")
    }
    checkCaps(TLSClientHello.parse(records: stream, allowPartial: true))
    let bare = TLSClientHello.parse(handshake: stream, allowPartial: data[1] & 2 != 0)
    checkCaps(bare)
    if case .needMoreBytes(let total) = bare {
        FuzzSupport.check(total > stream.count, "handshake needMoreBytes(\(total)) for \(stream.count) bytes")
    }

    // The ServerHello reader on the same bytes (records and bare message).
    if case .needMoreBytes(let total) = TLSServerHello.parse(records: stream) {
        FuzzSupport.check(total > stream.count, "ServerHello needMoreBytes(\(total)) for \(stream.count) bytes")
    }
    _ = TLSServerHello.parse(handshake: stream)

    // The HTTP/1.x request head reader on the same bytes (the other first-segment parser).
    for partial in [false, true] {
        if case .request(let h) = HTTPRequestHead.parse(stream, allowPartial: partial) {
            FuzzSupport.check((h.host?.utf8.count ?? 0) <= 3 * HTTPRequestHead.maxHostBytes && h.method.utf8.count <= 16,
                              "HTTP host or method beyond the cap")
        }
    }

    // The accumulator, whole and split.
    var one = TLSClientHelloAccumulator()
    let r1 = one.add(stream, sequenceNumber: 1000)
    let cut = Int(data[0]) * stream.count / 256
    let a = stream.clampedSlice(from: 0, length: cut), b = stream.clampedSlice(from: cut)
    var two = TLSClientHelloAccumulator(initialSequence: 1000)
    var r2: TLSClientHelloAccumulation
    if data[1] & 1 == 1 {
        _ = two.add(b, sequenceNumber: 1000 &+ UInt32(cut))
        r2 = two.add(a, sequenceNumber: 1000)
    } else {
        r2 = two.add(a, sequenceNumber: 1000)
        if r2 == .needMore { r2 = two.add(b, sequenceNumber: 1000 &+ UInt32(cut)) }
    }
    FuzzSupport.check(one.bytes.count <= one.capacity && two.bytes.count <= two.capacity, "accumulator beyond capacity")
    if case .done(.clientHello(let h)) = r1, h.isComplete, stream.count <= TLSClientHelloAccumulator.defaultCapacity {
        FuzzSupport.check(r2 == r1, "split stream gave \(r2), whole stream \(r1)")
    }
    return 0
}

func checkCaps(_ r: TLSClientHelloResult) {
    guard case .clientHello(let h) = r else { return }
    // 255 bytes at most; each invalid UTF-8 byte becomes U+FFFD (3 bytes) in the String.
    FuzzSupport.check((h.serverName?.utf8.count ?? 0) <= 3 * TLSClientHello.maxServerNameBytes, "SNI beyond the cap")
    FuzzSupport.check(h.alpn.count <= TLSClientHello.maxALPNEntries && h.alpnCount >= h.alpn.count, "ALPN beyond the cap")
    FuzzSupport.check(h.supportedVersions.count <= TLSClientHello.maxSupportedVersions, "versions beyond the cap")
    // A partial read may end before the cipher suites (crash-1b9f7de6..., a harness bug: the
    // first version of this check ignored isComplete).
    FuzzSupport.check(!h.isComplete || h.cipherSuiteCount >= 1, "complete ClientHello without a cipher suite")
}

#if !FUZZING
@main struct FuzzClientHelloMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzClientHello (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
