import Testing
import CaptureCore
import TestSupport
@testable import LiveCapture
#if canImport(Glibc)
import Glibc
#endif

/// Sends `count` UDP datagrams of `size` bytes to 127.0.0.1:`port`.
func sendLoopbackUDP(port: UInt16, count: Int, size: Int) -> Int {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = port.bigEndian
    addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    let payload = [UInt8](repeating: 0x5a, count: size)
    var sent = 0
    for _ in 0..<count {
        let n = payload.withUnsafeBytes { p in
            withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, p.baseAddress, size, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        if n == size { sent += 1 }
    }
    return sent
}

@Suite(.serialized) struct LiveCaptureSourceTests {
    @Test func pseudoDevicesAreFilteredOut() throws {
        #expect(LiveCaptureSource.isPseudoDevice("any"))
        #expect(LiveCaptureSource.isPseudoDevice("nflog"))
        #expect(LiveCaptureSource.isPseudoDevice("dbus-system"))
        #expect(LiveCaptureSource.isPseudoDevice("bluetooth-monitor"))
        #expect(!LiveCaptureSource.isPseudoDevice("lo"))
        #expect(!LiveCaptureSource.isPseudoDevice("eth0"))
        guard getuid() == 0 else { return }
        let names = try LiveCaptureSource.interfaces().map(\.name)
        #expect(names.contains("lo"))
        #expect(!names.contains("any"))
    }

    @Test func capturesOwnLoopbackTrafficAndStopsOnTime() throws {
        guard getuid() == 0 else {
            #expect(!SharedData.isCI, "live capture needs root under CI"); return
        }
        // A port unlikely to carry anything else; the filter keeps only our datagrams.
        let port = UInt16(40000 + getpid() % 20000)
        let source = try LiveCaptureSource(interface: "lo", filter: "udp dst port \(port)")
        #expect(sendLoopbackUDP(port: port, count: 5, size: 100) == 5)
        var seen = 0, lengths: [Int] = []
        let start = LiveCaptureSource.monotonicNanoseconds()
        let stats = try source.capture(duration: 1.0) { r in
            seen += 1; lengths.append(r.originalLength)
            #expect(r.capturedLength == r.bytes.count)
        }
        let elapsed = Double(LiveCaptureSource.monotonicNanoseconds() - start) / 1e9
        // Loopback frames are Ethernet-framed: 14 + 20 (IPv4) + 8 (UDP) + 100 = 142 bytes.
        #expect(seen == 5 && stats.packets == 5)
        #expect(lengths == [Int](repeating: 142, count: 5))
        #expect(source.linkType == .ethernet)
        // It returns near the deadline even though no packet arrives after the fifth.
        #expect(elapsed >= 0.9 && elapsed < 3.0)
    }

    @Test func maxPacketsStopsEarly() throws {
        guard getuid() == 0 else { return }
        let port = UInt16(40000 + (getpid() + 7) % 20000)
        let source = try LiveCaptureSource(interface: "lo", filter: "udp dst port \(port)")
        #expect(sendLoopbackUDP(port: port, count: 3, size: 10) == 3)
        var n = 0
        try source.capture(duration: 5.0, maxPackets: 2) { _ in n += 1 }
        #expect(n == 2)
    }

    @Test func unknownInterfaceAndBadFilterThrow() {
        #expect(throws: PcapError.self) { _ = try LiveCaptureSource(interface: "no-such-if0") }
        guard getuid() == 0 else { return }
        #expect(throws: PcapError.self) { _ = try LiveCaptureSource(interface: "lo", filter: "udp port") }
    }
}
