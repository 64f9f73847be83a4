import CaptureCore
import CaptureFiles

/// `netcensus-bench flood OUT.pcap [--packets N] [--random]`: writes the hash-flooding input of
/// issue 7 (defect 1). Every packet is an IPv6 UDP datagram from a different source address to
/// one destination. By default the sources are crafted so that all of them share one value of
/// the fixed, unseeded hash the host and flow tables used before the keyed `OpenTable`:
/// `(high × C1) xor (low × C2)` is the same for every address, so with that hash every insert
/// probed past all earlier ones (quadratic). `--random` writes the same number of random
/// sources, the control. NetCensus must read both within 2× of each other.
enum FloodBench {
    static let c1: UInt64 = 0x9e37_79b9_7f4a_7c15
    static let c2: UInt64 = 0xc2b2_ae3d_27d4_eb4f

    /// Multiplicative inverse of an odd number modulo 2^64 (Newton's iteration).
    static func inverse(_ a: UInt64) -> UInt64 {
        var x = a
        for _ in 0..<6 { x = x &* (2 &- a &* x) }
        return x
    }

    static func main(_ args: [String]) -> Int32 {
        guard let out = args.first else { print("usage: netcensus-bench flood OUT.pcap [--packets N] [--random]"); return 64 }
        var packets = 320_000
        if let i = args.firstIndex(of: "--packets"), i + 1 < args.count, let n = Int(args[i + 1]) { packets = n }
        let random = args.contains("--random")
        let inv2 = inverse(c2)
        let target: UInt64 = 0x0123_4567_89ab_cdef
        var rng = SystemRandomNumberGenerator()
        var w = PcapWriter(linkType: LinkType(rawValue: 101))
        let destination: [UInt8] = [0x2a, 0x00] + [UInt8](repeating: 0xff, count: 14)   // above every source
        for i in 0..<packets {
            // Sources in 2001:db8::/32 (documentation prefix), below the destination.
            let high = 0x2001_0db8_0000_0000 | UInt64(i)
            let low: UInt64 = random ? rng.next() : (target ^ (high &* c1)) &* inv2
            var src: [UInt8] = []
            for k in stride(from: 56, through: 0, by: -8) { src.append(UInt8(truncatingIfNeeded: high >> UInt64(k))) }
            for k in stride(from: 56, through: 0, by: -8) { src.append(UInt8(truncatingIfNeeded: low >> UInt64(k))) }
            let udp: [UInt8] = [0x9c, 0x40, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 1, 2, 3, 4]
            let ip6: [UInt8] = [0x60, 0, 0, 0, 0, UInt8(udp.count), 17, 64] + src + destination + udp
            w.append(timestamp: 1_700_000_000_000_000_000 + Int64(i) * 1000, packet: ip6)
        }
        do { try w.write(to: out) } catch { print("error: \(error)"); return 1 }
        print("wrote \(out): \(packets) packets, \(random ? "random" : "crafted (one old-hash value)") sources")
        return 0
    }
}
