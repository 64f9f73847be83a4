import Foundation
import FlyingFox
import LiveCapture
import LiveMonitor
import Prometheus
import Synchronization
import TrafficAnalysis

/// `--metrics-listen ADDRESS:PORT`: a numeric IPv4 address or a bracketed IPv6 one, and a port.
enum MetricsEndpoint {
    static func parse(_ text: String) -> (host: String, port: UInt16, ipv6: Bool)? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = String(text[..<colon])
        var v6 = false
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()); v6 = true }
        var v4addr = in_addr(), v6addr = in6_addr()
        if v6 { return inet_pton(AF_INET6, host, &v6addr) == 1 ? (host, port, true) : nil }
        return inet_pton(AF_INET, host, &v4addr) == 1 ? (host, port, false) : nil
    }
}

/// The first of "listening" or "failed", set by the server's tasks.
final class StartOutcome: Sendable {
    let value = Mutex<Result<Void, any Error>?>(nil)
}

/// Why the endpoint could not start.
struct MetricsError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// The Prometheus endpoint of a live run (exposition format 0.0.4 at `/metrics`).
///
/// The registry is swift-prometheus's (`PrometheusCollectorRegistry`: the kept implementation
/// of the text format, label escaping and HELP/TYPE lines); the HTTP server is FlyingFox's,
/// a small kept HTTP/1.1 server with no SwiftNIO underneath (with swift-prometheus: 74 s of a
/// clean debug build on the loaded 2-core machine, where Hummingbird takes 2.5-4.5 minutes, for
/// one GET route). Counters follow the run so far: at each
/// interval the exporter adds the difference since the previous update, so they only grow, and
/// after the stop they equal the final summary's figures. Names: docs/live.md "Metrics".
final class MetricsExporter: @unchecked Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let server: HTTPServer
    private var serverTask: Task<Void, Never>?

    init(listen: String) throws {
        guard let e = MetricsEndpoint.parse(listen) else { throw MetricsError(reason: "not ADDRESS:PORT") }
        if e.ipv6 {
            server = HTTPServer(address: try .inet6(ip6: e.host, port: e.port), logger: .disabled)
        } else {
            server = HTTPServer(address: try .inet(ip4: e.host, port: e.port), logger: .disabled)
        }
        // Every family's series exists from the first scrape (0 rather than absent).
        for f in ["ipv4", "ipv6", "other"] {
            _ = packets(f); _ = bytes(f)
        }
        for d in ["kernel", "interface"] { _ = dropped(d) }
        _ = received; _ = delivered; _ = liveConnections
        let registry = self.registry
        let server = self.server
        let outcome = StartOutcome()
        let ready = DispatchSemaphore(value: 0)
        serverTask = Task.detached {
            await server.appendRoute("GET /metrics") { _ in
                var body: [UInt8] = []
                registry.emit(into: &body)
                return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: Data(body))
            }
            let listening = Task {
                do { try await server.waitUntilListening(timeout: 5); outcome.value.withLock { if $0 == nil { $0 = .success(()) } } }
                catch { outcome.value.withLock { if $0 == nil { $0 = .failure(error) } } }
                ready.signal()
            }
            do { try await server.run() } catch {
                outcome.value.withLock { if $0 == nil { $0 = .failure(error) } }
                ready.signal()
            }
            listening.cancel()
        }
        _ = ready.wait(timeout: .now() + 6)
        switch outcome.value.withLock({ $0 }) {
        case .success?: return
        case .failure(let e)?: serverTask?.cancel(); throw e
        case nil: serverTask?.cancel(); throw MetricsError(reason: "the server did not start listening within 6 s")
        }
    }

    /// The operating system's words for a server error (FlyingSocks' `SocketError.failed`
    /// carries errno's text as `message`), else the error's description.
    static func reason(_ error: any Error) -> String {
        for child in Mirror(reflecting: error).children {
            for field in Mirror(reflecting: child.value).children where field.label == "message" {
                if let m = field.value as? String { return m }
            }
        }
        return "\(error)"
    }

    func stop() {
        let server = self.server
        let done = DispatchSemaphore(value: 0)
        Task.detached { await server.stop(timeout: 0.5); done.signal() }
        _ = done.wait(timeout: .now() + 2)
        serverTask?.cancel()
    }

    // MARK: - Series

    /// `netcensus_` + `metric` (the unit suffix, e.g. `_total`, is part of `metric`).
    static func named(_ metric: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "netcensus", metricName: metric, unitName: "", helpText: help)
    }

    private func packets(_ family: String) -> Counter {
        registry.makeCounter(descriptor: Self.named("packets_total", "Packets analysed, by family of the innermost IP header (other: no IP header)."), labels: [("family", family)])
    }
    private func bytes(_ family: String) -> Counter {
        registry.makeCounter(descriptor: Self.named("bytes_total", "Wire bytes (original lengths) analysed, by family of the innermost IP header."), labels: [("family", family)])
    }
    private func tunnelled(_ mechanism: String) -> Counter {
        registry.makeCounter(descriptor: Self.named("tunnelled_packets_total", "Tunnelled packets by transition mechanism (6in4, 6to4, teredo, ...)."), labels: [("mechanism", mechanism)])
    }
    private func dnsQueries(_ type: String) -> Counter {
        registry.makeCounter(descriptor: Self.named("dns_queries_total", "DNS queries on port 53 by question type (A, AAAA, other)."), labels: [("qtype", type)])
    }
    private func syn(_ family: String) -> Counter {
        registry.makeCounter(descriptor: Self.named("tcp_syn_total", "TCP SYN segments (SYN=1, ACK=0) by family of the IP header carrying them."), labels: [("family", family)])
    }
    private func connections(_ l: ConnectionLabel) -> Counter {
        registry.makeCounter(descriptor: Self.named("connections_total", "Connections finished (left the connection table), by family, transport and outcome."),
                             labels: [("family", l.family), ("transport", l.transport), ("outcome", l.outcome)])
    }
    private var received: Counter {
        registry.makeCounter(descriptor: Self.named("capture_received_packets_total", "Packets the kernel accepted for the capture (pcap_stats ps_recv, all workers)."))
    }
    private func dropped(_ by: String) -> Counter {
        registry.makeCounter(descriptor: Self.named("capture_dropped_packets_total", "Packets dropped: by the kernel for want of buffer (ps_drop) or by the interface (ps_ifdrop)."), labels: [("by", by)])
    }
    private var delivered: Counter {
        registry.makeCounter(descriptor: Self.named("capture_delivered_packets_total", "Packets libpcap handed to NetCensus (all workers)."))
    }
    private var liveConnections: Gauge {
        registry.makeGauge(descriptor: Self.named("live_connections", "Connections in the connection tables now (all workers)."))
    }

    /// Counters grow by `d`, the figures since the last update (the session's interval
    /// difference); the live-connections gauge is set to `liveConnections`.
    func add(_ d: LiveFigures, liveConnections live: Int) {
        func add(_ c: Counter, _ v: UInt64) { if v > 0 { c.increment(by: Int64(clamping: v)) } }
        add(packets("ipv4"), d.innermost.ipv4.packets); add(packets("ipv6"), d.innermost.ipv6.packets)
        add(packets("other"), d.innermost.other.packets)
        add(bytes("ipv4"), d.innermost.ipv4.bytes); add(bytes("ipv6"), d.innermost.ipv6.bytes); add(bytes("other"), d.innermost.other.bytes)
        for (m, v) in d.tunnelled { add(tunnelled(m), v) }
        add(dnsQueries("A"), d.dns.queriesA); add(dnsQueries("AAAA"), d.dns.queriesAAAA); add(dnsQueries("other"), d.dns.queriesOther)
        add(syn("ipv4"), d.tcp.synV4); add(syn("ipv6"), d.tcp.synV6)
        for (l, v) in d.connections { add(connections(l), v) }
        add(received, d.pcap.received)
        add(dropped("kernel"), d.pcap.dropped)
        add(dropped("interface"), d.pcap.interfaceDropped)
        add(delivered, d.delivered)
        liveConnections.set(Int64(live))
    }
}
