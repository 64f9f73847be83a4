#if canImport(Glibc)
import Glibc
#endif
import CaptureCore
import PacketDecoding

/// A UDP collector for IPFIX (RFC 7011 §10.3: one message per datagram) and NetFlow v9: binds
/// `host:port`, reads datagrams until a deadline, a message count or `shouldStop`, and keeps
/// templates per exporter (sender address and port) and domain, as `FlowExportReader` does.
/// Never blocks for more than 200 ms at a time (poll), so a stop request is seen promptly.
public struct FlowCollector {
    public enum CollectorError: Error, CustomStringConvertible {
        case badAddress(String)
        case socket(String)
        public var description: String {
            switch self {
            case .badAddress(let a): "cannot listen on '\(a)': expected HOST:PORT (IPv4) or [HOST]:PORT (IPv6)"
            case .socket(let m): m
            }
        }
    }

    let fd: Int32
    public let listen: String

    /// Binds the socket. - Throws: `CollectorError` (bad address, bind failure with errno text).
    public init(listen: String) throws {
        self.listen = listen
        var host = listen, portText = ""
        if listen.hasPrefix("["), let close = listen.firstIndex(of: "]") {
            host = String(listen[listen.index(after: listen.startIndex)..<close])
            portText = String(listen[listen.index(after: close)...].dropFirst())
        } else if let colon = listen.lastIndex(of: ":") {
            host = String(listen[..<colon]); portText = String(listen[listen.index(after: colon)...])
        }
        guard let port = UInt16(portText), port > 0 else { throw CollectorError.badAddress(listen) }
        var v4 = in_addr(), v6 = in6_addr()
        let isV4 = inet_pton(AF_INET, host, &v4) == 1
        let isV6 = !isV4 && inet_pton(AF_INET6, host, &v6) == 1
        guard isV4 || isV6 else { throw CollectorError.badAddress(listen) }
        let s = socket(isV4 ? AF_INET : AF_INET6, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw CollectorError.socket("socket: \(String(cString: strerror(errno)))") }
        var size: Int32 = 8 << 20   // a burst of export datagrams must not overflow the socket buffer
        _ = setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var rc: Int32
        if isV4 {
            var a = sockaddr_in(); a.sin_family = sa_family_t(AF_INET); a.sin_port = port.bigEndian; a.sin_addr = v4
            rc = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        } else {
            var a = sockaddr_in6(); a.sin6_family = sa_family_t(AF_INET6); a.sin6_port = port.bigEndian; a.sin6_addr = v6
            rc = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        }
        guard rc == 0 else {
            let why = String(cString: strerror(errno))
            Glibc.close(s)
            throw CollectorError.socket("cannot listen on \(listen): \(why)")
        }
        fd = s
    }

    public func close() { _ = Glibc.close(fd) }

    /// Collects until `seconds` elapse (nil: no limit), `maxMessages` are read, or `shouldStop`
    /// returns true (checked at least every 200 ms).
    public func run(seconds: Double?, maxMessages: Int?, shouldStop: () -> Bool) -> FlowFileResult {
        var result = FlowFileResult(path: "udp:\(listen)")
        result.format = "udp"
        result.opened = true
        var reader = FlowExportReader(source: result.path)
        var summary = FlowSummary()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var start = timespec(); clock_gettime(CLOCK_MONOTONIC, &start)
        var datagrams = 0
        while !shouldStop() {
            if let n = maxMessages, datagrams >= n { break }
            if let s = seconds {
                var now = timespec(); clock_gettime(CLOCK_MONOTONIC, &now)
                if Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9 >= s { break }
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 200) > 0 else { continue }
            var from = sockaddr_storage()
            var fromLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let n = buffer.withUnsafeMutableBytes { b in
                withUnsafeMutablePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, b.baseAddress, b.count, 0, $0, &fromLength) } }
            }
            guard n > 0 else { continue }
            datagrams += 1
            let exporter = Self.exporterKey(&from)
            buffer.withUnsafeBytes { b in
                _ = reader.readMessage(UnsafeRawBufferPointer(rebasing: b[0..<n]), at: 0, exporter: exporter) { summary.add($0) }
            }
            result.warnings += reader.takeWarnings()
        }
        result.finish(summary, reader: reader)
        return result
    }

    /// Sender address and port folded into one key (templates are per exporter).
    static func exporterKey(_ s: inout sockaddr_storage) -> UInt64 {
        withUnsafeBytes(of: &s) { b in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in b.prefix(Int(MemoryLayout<sockaddr_in6>.size)) { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return h
        }
    }
}
