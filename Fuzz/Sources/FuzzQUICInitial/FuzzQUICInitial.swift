import PacketDecoding
import QUICInitial
import FuzzSupport

/// QUIC Initial reader. Input: byte 0 = mode.
/// * mode even: the rest is up to four client datagrams, each prefixed by a 2-byte length, fed to
///   one `QUICInitialReader` (long headers, coalescing, header protection, AEAD: random bytes
///   reach the tag check, not past it).
/// * mode odd: the rest is taken as decrypted Initial payloads (the same framing), walked with
///   `walkInitialFrames` into one CRYPTO reassembler whose prefix goes to the ClientHello
///   parser, as the reader does after opening a packet. This reaches the frame walk and CRYPTO
///   reassembly, which fuzzed ciphertext never would.
/// Checks: bounded state (CRYPTO bytes <= capacity, ranges <= maxRanges), every header the parser
/// returns lies inside its datagram, and the reader's counters add up.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQUICInitial(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let mode = data[0]
    var parts: [UnsafeRawBufferPointer] = []
    var at = 1
    while at + 2 <= size, parts.count < 4 {
        let n = Int(data[at]) << 8 | Int(data[at + 1])
        let start = at + 2
        let len = min(n, size - start)
        parts.append(UnsafeRawBufferPointer(start: data + start, count: len))
        at = start + len
    }
    if mode & 1 == 0 {
        var reader = QUICInitialReader()
        for d in parts {
            // Every header found lies inside the datagram.
            var offset = 0
            while offset < d.count, case .success(let h) = QUICLongHeader.parse(d, at: offset) {
                FuzzSupport.check(h.start == offset && h.packetNumberOffset <= h.end && h.end <= d.count && h.end > offset,
                                  "header outside its datagram: \(h)")
                offset = h.end
            }
            _ = reader.add(datagram: d)
        }
        let c = reader.counters
        FuzzSupport.check(c.initialPacketsOpened + c.initialPacketsUndecryptable == c.initialPackets, "counters do not add up")
        FuzzSupport.check(reader.crypto.buffer.count <= reader.crypto.capacity, "CRYPTO buffer beyond capacity")
        _ = reader.finishPartial()
    } else {
        var crypto = QUICCryptoReassembler(capacity: 4096)
        for p in parts { _ = walkInitialFrames(p, into: &crypto) }
        FuzzSupport.check(crypto.buffer.count <= crypto.capacity, "CRYPTO buffer beyond capacity")
        FuzzSupport.check(crypto.ranges.count <= QUICCryptoReassembler.maxRanges, "too many ranges")
        for (r, next) in zip(crypto.ranges, crypto.ranges.dropFirst()) {
            FuzzSupport.check(r.upperBound < next.lowerBound, "ranges overlap or touch: \(crypto.ranges)")
        }
        let n = crypto.contiguousLength
        _ = crypto.buffer.withUnsafeBytes {
            TLSClientHello.parse(handshake: UnsafeRawBufferPointer(rebasing: $0[0..<n]), allowPartial: mode & 2 != 0)
        }
    }
    return 0
}

#if !FUZZING
@main struct FuzzQUICInitialMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzQUICInitial (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
