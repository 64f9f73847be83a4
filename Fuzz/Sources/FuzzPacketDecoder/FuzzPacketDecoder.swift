import CaptureCore
import PacketDecoding
import FuzzSupport

nonisolated(unsafe) var decoder = PacketDecoder()
nonisolated(unsafe) var packet = DecodedPacket()
nonisolated(unsafe) var fresh = DecodedPacket()

/// Packet decoder. Input: byte 0 selects the link type (`FuzzSupport.linkTypes`), byte 1 bit 0
/// says whether the packet was cut by snaplen (original length = caplen + 100); the rest is the
/// packet. The same `DecodedPacket` is reused across inputs, as in the real pipeline, and the
/// result must equal a decode into a fresh one (nothing leaks from one packet to the next).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPacketDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let linkType = FuzzSupport.linkType(selector: data[0])
    let cut = data[1] & 1 == 1
    let body = UnsafeRawBufferPointer(start: data + 2, count: size - 2)
    let original = cut ? body.count + 100 : body.count
    decoder.decode(body, linkType: linkType, originalLength: original, into: &packet)
    var other = PacketDecoder()
    fresh = DecodedPacket()
    other.decode(body, linkType: linkType, originalLength: original, into: &fresh)
    FuzzSupport.check(packet.ipLayers == fresh.ipLayers && packet.transport == fresh.transport
                      && packet.dns == fresh.dns && packet.anomalies == fresh.anomalies
                      && packet.truncated == fresh.truncated && packet.linkDecoded == fresh.linkDecoded,
                      "reused DecodedPacket differs from a fresh decode (state leaked between packets)")
    FuzzSupport.check(packet.ipLayers.count <= 64,   // tunnels and ICMP quotes are depth-limited
                      "\(packet.ipLayers.count) IP layers beyond the tunnel depth limit")
    for l in packet.ipLayers {
        FuzzSupport.check(l.datagramLength >= 0, "negative datagram length")
    }
    return 0
}

#if !FUZZING
@main struct FuzzPacketDecoderMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzPacketDecoder (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
