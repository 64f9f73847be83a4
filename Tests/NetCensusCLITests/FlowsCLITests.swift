import Foundation
import Testing
import TestSupport
import FlowRecords
#if canImport(Glibc)
import Glibc
#endif

/// `netcensus flows summarize` and `flows collect` through the real binary: the same IPFIX
/// messages read from a file and received over UDP give the same figures; SIGTERM ends a
/// collector with its summary and exit 0; bad input exits with documented codes and escaped text.
@Suite(.serialized) struct FlowsCLITests {
    typealias W = IPFIXWriter
    typealias F = IPFIXWriter.Field

    static func messages() -> [[UInt8]] {
        let t = W.templateRecord(id: 256, fields: [F(8, 4), F(12, 4), F(4, 1), F(2, 4), F(1, 4)])
        let t6 = W.templateRecord(id: 257, fields: [F(27, 16), F(28, 16), F(4, 1), F(2, 4), F(1, 4)])
        return (0..<10).map { i in
            let r4 = [10, 0, 0, UInt8(1 + i)] + [198, 51, 100, 1] + [6] + W.be32(10) + W.be32(UInt32(1000 + i))
            let r6 = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [UInt8(1 + i)]
                + [0x00, 0x64, 0xff, 0x9b] + [UInt8](repeating: 0, count: 8) + [198, 51, 100, 1] + [6] + W.be32(20) + W.be32(2000)
            return W.ipfixMessage(domain: 9, sequence: UInt32(i), sets: [W.Set(id: 2, body: t + t6), W.Set(id: 256, body: r4), W.Set(id: 257, body: r6)])
        }
    }

    static func send(_ messages: [[UInt8]], port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET); addr.sin_port = port.bigEndian; addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        for m in messages {
            _ = m.withUnsafeBytes { b in withUnsafePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } }
        }
    }

    static func total(_ json: String) -> [String: Any]? {
        ((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any])?["total"] as? [String: Any]
    }

    @Test func fileAndCollectorGiveTheSameFigures() throws {
        guard let exe = CaptureCLI.executable else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let tmp = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let file = tmp.appendingPathComponent("x.ipfix").path
        try Data(Self.messages().flatMap { $0 }).write(to: URL(fileURLWithPath: file))
        let fromFile = try CaptureCLI.run(["flows", "summarize", "--json", file])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let t = try #require(Self.total(fromFile.stdout))
        // By hand: 10 IPv4 flows of 10 packets and 1000+i bytes (10,045 bytes); 10 IPv6 flows of
        // 20 packets and 2,000 bytes, all to the NAT64 well-known prefix.
        #expect((t["ipv4"] as? [String: Any])?["bytes"] as? Int == 10_045)
        #expect((t["ipv6"] as? [String: Any])?["packets"] as? Int == 200)
        #expect((t["nat64"] as? [String: Any])?["flows"] as? Int == 10)

        // The collector, stopped by SIGTERM once the messages are in.
        let port = UInt16(30_000 + getpid() % 20_000)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Unblock SIGTERM in the child (the test runner's threads block it, and masks are inherited).
        p.arguments = ["python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT}); os.execv(sys.argv[1], sys.argv[1:])",
                       exe.path, "flows", "collect", "--listen", "127.0.0.1:\(port)", "--json"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        // Send once the collector's socket is bound (/proc/net/udp: 127.0.0.1:PORT is
        // 0100007F:HEX); a fixed sleep was too short on a loaded machine.
        let bound = String(format: "0100007F:%04X", port)
        for _ in 0..<300 {
            if let table = try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8), table.contains(bound) { break }
            usleep(50_000)
        }
        Self.send(Self.messages(), port: port)
        usleep(500_000)
        p.terminate()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(String(decoding: e, as: UTF8.self))")
        let c = try #require(Self.total(String(decoding: o, as: UTF8.self)))
        for key in ["ipv4", "ipv6", "nat64", "hosts", "ipv6_share"] {
            #expect((c[key] as? NSDictionary) == (t[key] as? NSDictionary), "\(key): collector \(c[key] ?? "nil") vs file \(t[key] ?? "nil")")
        }
    }

    @Test func badInputExitsWithDocumentedCodes() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let tmp = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let text = tmp.appendingPathComponent("notes.txt").path
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: text))
        #expect(try CaptureCLI.run(["flows", "summarize", text]).status == 65)
        #expect(try CaptureCLI.run(["flows", "summarize", tmp.appendingPathComponent("missing").path]).status == 66)
        let bad = try CaptureCLI.run(["flows", "collect", "--listen", "\u{1b}[2Jx"])
        #expect(bad.status == 64 && !bad.stderr.contains("\u{1b}") && bad.stderr.contains("\\x1b[2Jx"), "\(bad.stderr)")
        // A truncated IPFIX file: what is whole is read, the cut is a warning with its offset.
        var bytes = Self.messages().flatMap { $0 }
        bytes.removeLast(5)
        let cut = tmp.appendingPathComponent("cut.ipfix").path
        try Data(bytes).write(to: URL(fileURLWithPath: cut))
        let r = try CaptureCLI.run(["flows", "summarize", "--json", cut])
        #expect(r.status == 0 && r.stderr.contains("truncated_message") && r.stderr.contains("offset \(Self.messages()[0].count * 9)"), "\(r.stderr)")
        #expect(((Self.total(r.stdout)?["ipv4"] as? [String: Any])?["flows"] as? Int) == 9)
    }
}
