import Testing
import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct CaptureLiveCLITests {
    /// `capture live -i lo` sees exactly the datagrams this test sends to 127.0.0.1 and ::1 on a
    /// private port (3 IPv6 + 2 IPv4, so an IPv6 packet share of 3/5), and stops on time.
    @Test func liveOnLoopbackCountsOwnTraffic() throws {
        guard getuid() == 0 else { #expect(!SharedData.isCI, "live capture needs root under CI"); return }
        // A port the kernel picks and this test keeps bound (IPv4 and IPv6) while it runs: a
        // formula on the pid collided with FlowsCLITests' collector port (same process, same
        // formula), whose IPFIX datagrams were then counted here (CI: 15 packets, 12 IPv4).
        let holder = try #require(Self.boundUDPPort())
        defer { close(holder.fd) }
        let port = holder.port
        let sender = Thread {
            // Let the capture start first: a debug binary on a loaded 2-core CI machine takes up to
            // about a second before its handle is open (600 ms was seen to be too short).
            usleep(1_500_000)
            for (family, address, n) in [(AF_INET6, "::1", 3), (AF_INET, "127.0.0.1", 2)] {
                let fd = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
                for _ in 0..<n {
                    if family == AF_INET6 {
                        var a = sockaddr_in6(); a.sin6_family = sa_family_t(AF_INET6); a.sin6_port = UInt16(port).bigEndian
                        inet_pton(AF_INET6, address, &a.sin6_addr)
                        _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, "hello", 5, 0, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
                    } else {
                        var a = sockaddr_in(); a.sin_family = sa_family_t(AF_INET); a.sin_port = UInt16(port).bigEndian
                        inet_pton(AF_INET, address, &a.sin_addr)
                        _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, "hello", 5, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
                    }
                }
                close(fd)
            }
        }
        sender.start()
        let start = Date()
        let r = try CaptureCLI.run(["capture", "live", "-i", "lo", "--duration", "3", "--filter", "udp dst port \(port)", "--json"])
        let elapsed = Date().timeIntervalSince(start)
        #expect(r.status == 0, "\(r.stderr)")
        let total = try #require(r.json?["total"] as? [String: Any])
        #expect(total["packets"] as? Int == 5)
        #expect(total["outermost", "ipv6", "packets"] as? Int == 3)
        #expect(total["outermost", "ipv4", "packets"] as? Int == 2)
        #expect(total["ipv6_share", "packets"] as? Double == 0.6)
        #expect(elapsed < 6)
    }

    /// A dual-stack UDP socket bound to a port the kernel chose (`::`, IPV6_V6ONLY off, so the
    /// port is taken for IPv4 as well), and that port.
    static func boundUDPPort() -> (fd: Int32, port: Int)? {
        let fd = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var off: Int32 = 0
        _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &off, socklen_t(MemoryLayout<Int32>.size))
        var a = sockaddr_in6()
        a.sin6_family = sa_family_t(AF_INET6)
        a.sin6_addr = in6addr_any
        a.sin6_port = 0
        let bound = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in6>.size)
        let named = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        guard bound == 0, named == 0 else { close(fd); return nil }
        return (fd, Int(UInt16(bigEndian: a.sin6_port)))
    }

    /// `live` has one input, the interface: its help offers no `--per-file` and its CSV wording
    /// does not speak of files; `summarize` keeps both.
    @Test func liveHelpSpeaksOfTheInterface() throws {
        let live = try CaptureCLI.run(["capture", "live", "--help"])
        #expect(live.status == 0)
        #expect(!live.stdout.contains("--per-file"))
        #expect(!live.stdout.contains("per file"))
        #expect(live.stdout.contains("one row for the interface, then"))
        let summarize = try CaptureCLI.run(["capture", "summarize", "--help"])
        #expect(summarize.stdout.contains("--per-file"))
        #expect(summarize.stdout.contains("one row per file, then the"))
        // The flag is gone from live, so giving it is a usage error.
        let r = try CaptureCLI.run(["capture", "live", "-i", "lo", "--duration", "1", "--per-file"])
        #expect(r.status == 64)
    }

    @Test func liveUsageErrors() throws {
        var r = try CaptureCLI.run(["capture", "live"])
        #expect(r.status == 64)
        r = try CaptureCLI.run(["capture", "live", "-i", "lo", "--duration", "0"])
        #expect(r.status == 64)
        r = try CaptureCLI.run(["capture", "live", "-i", "no-such-if0", "--duration", "1"])
        #expect(r.status == 66 && r.stderr.hasPrefix("netcensus: error: "))
    }
}
