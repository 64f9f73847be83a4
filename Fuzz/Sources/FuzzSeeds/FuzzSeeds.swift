import Foundation
import CaptureCore
import CaptureFiles
import PacketDecoding

/// Writes seed inputs that cannot be read straight from a folder of sample files:
///
///     FuzzSeeds decoder OUTDIR CAPTURE_PATH...   # packets of real captures, framed for FuzzPacketDecoder
///     FuzzSeeds csvpair OUTDIR DIR...            # nodes.csv NUL links.csv from folders holding both
///     FuzzSeeds resync OUTDIR CAPTURE_PATH...    # captures up to 64 KiB behind an 8-byte damage spec
///     FuzzSeeds dns OUTDIR CAPTURE_PATH...       # the DNS messages of each capture, framed for FuzzDNS
///
/// Seeds are named by an FNV-1a hash of their bytes, so rerunning adds nothing twice. OUTDIR is the
/// fuzzer's git-ignored working corpus; shared data is read in place and never copied into the repo.
///
/// run.sh builds it in the same sanitized configuration as the fuzzers, where libFuzzer owns
/// `main` (a second one does not link): there the work runs from `LLVMFuzzerInitialize`, which
/// libFuzzer calls first with the command line, and exits before any fuzzing.
enum FuzzSeeds {
    static let decoderLinkTypes: [LinkType] = [
        .ethernet, .raw, .ipv4, .ipv6, .null, .loop, .linuxSLL, .linuxSLL2, .ppp, .pppHDLC, .unknown(147),
    ]   // must match FuzzSupport.linkTypes (selector byte = index)

    static func run(_ args: [String]) throws {
        guard args.count >= 4 else {
            print("usage: FuzzSeeds decoder|csvpair|resync|dns OUTDIR PATH...")
            exit(64)
        }
        let out = args[2]
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var written = 0
        func emit(_ bytes: [UInt8]) {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            let path = out + "/seed-" + String(h, radix: 16)
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
                written += 1
            }
        }
        switch args[1] {
        case "decoder":
            // Up to 40 packets per capture, at most 4 KiB each: enough shapes, a small corpus.
            for path in try CaptureInputs.expand(Array(args[3...])) {
                guard let reader = try? CaptureFileReader(path: path) else { continue }
                var n = 0
                _ = reader.forEachPacket { r in
                    guard n < 40, let sel = decoderLinkTypes.firstIndex(of: r.linkType) else { return }
                    n += 1
                    emit([UInt8(sel), r.isTruncated ? 1 : 0] + Array(r.bytes.prefix(4096)))
                }
            }
        case "resync":
            // Damage in the middle of each capture: start at half the size, 1 + 63 bytes, seed 1.
            for path in try CaptureInputs.expand(Array(args[3...])) {
                guard let data = FileManager.default.contents(atPath: path), data.count <= 65_536, data.count > 0 else { continue }
                let start = UInt32(data.count / 2)
                emit([UInt8(start & 0xff), UInt8(start >> 8 & 0xff), UInt8(start >> 16 & 0xff), 0, 63, 0, 1, 0] + Array(data))
            }
        case "dns":
            // Up to 24 DNS payloads per capture (port 53, UDP or TCP), as FuzzDNS parts:
            // [flags: v6, tcp, server->client][gap 1 = 100 ms][length u16][payload].
            for path in try CaptureInputs.expand(Array(args[3...])) {
                guard let reader = try? CaptureFileReader(path: path) else { continue }
                var decoder = PacketDecoder()
                var packet = DecodedPacket()
                var parts: [UInt8] = []
                var n = 0
                _ = reader.forEachPacket { r in
                    guard n < 24 else { return }
                    decoder.decode(r.bytes, linkType: r.linkType, originalLength: r.originalLength, into: &packet)
                    guard let t = packet.transport, t.sourcePort == 53 || t.destinationPort == 53,
                          t.payloadOffset >= 0, t.payloadCapturedLength > 0, t.ipLayerIndex < packet.ipLayers.count else { return }
                    let payload = Array(r.bytes[t.payloadOffset..<min(r.bytes.count, t.payloadOffset + t.payloadCapturedLength)].prefix(4096))
                    let v6 = packet.ipLayers[t.ipLayerIndex].family == .v6
                    let flags = UInt8(v6 ? 1 : 0) | (t.protocolNumber == 6 ? 2 : 0) | (t.sourcePort == 53 ? 4 : 0)
                    parts += [flags, 1, UInt8(payload.count >> 8), UInt8(payload.count & 255)] + payload
                    n += 1
                }
                if n > 0 { emit(parts) }
            }
        case "csvpair":
            for dir in args[3...] {
                let nodes = FileManager.default.contents(atPath: dir + "/nodes.csv")
                let links = FileManager.default.contents(atPath: dir + "/links.csv")
                guard let nodes, let links else { continue }
                // The first 60 lines of each: the header plus a connected corner of the network.
                func head(_ d: Data) -> [UInt8] {
                    var lines = 0
                    return Array(d.prefix { b in if b == 0x0a { lines += 1 }; return lines < 60 })
                }
                emit(head(nodes) + [0x0a, 0] + head(links) + [0x0a])
            }
        default:
            print("unknown seed kind \(args[1])")
            exit(64)
        }
        print("FuzzSeeds: \(written) new seed(s) in \(out)")
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerInitialize")
public func fuzzSeedsInitialize(_ argc: UnsafeMutablePointer<Int32>,
                                _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let args = (0..<Int(argc.pointee)).map { String(cString: argv.pointee![$0]!) }
    do { try FuzzSeeds.run(args) } catch { print("FuzzSeeds: \(error)"); exit(1) }
    exit(0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSeedsNothing(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { 0 }
#else
@main struct FuzzSeedsMain {
    static func main() throws { try FuzzSeeds.run(CommandLine.arguments) }
}
#endif
