import ArgumentParser
import Foundation
import FlowRecords
import PacketDecoding
import Reporting
import TrafficAnalysis

/// `netcensus flows summarize PATH... [--port P,...] [--json|--csv]`
///
/// Flow sources: IPFIX files (RFC 5655) and pcap/pcapng captures of NetFlow v9 / IPFIX export
/// traffic. Exit status: 0 when at least one source was read; 1 output not writable; 64 usage;
/// 65 when sources were opened but none held a flow message; 66 when none could be opened.
struct FlowsSummarize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize",
        abstract: "IPv6 adoption from flow records (IPFIX files, captures of NetFlow v9/IPFIX export).",
        discussion: """
        Per file and in total: flows, packets and bytes per family (IPv6 shares), distinct hosts, \
        protocol-41 and Teredo (UDP 3544) flows, flows to NAT64 prefixes (IPv4 destinations reached \
        over IPv6, also in the IPv6 figures), splits per exporter domain and interface (IE 10/14), \
        templates and records read, sampling applied (packets and bytes multiplied by the 1-in-N rate \
        an options record announced). Definitions: docs/flows.md.
        """)

    @Argument(help: "IPFIX files, or pcap/pcapng captures of export traffic.")
    var paths: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
        "UDP ports whose datagrams are read as export messages in captures (default: 2055 4739 9995 9996).", valueName: "PORT"))
    var port: [UInt16] = []

    @Flag(name: .long, help: "Write JSON (schema: docs/flows.md).") var json = false
    @Flag(name: .long, help: "Write CSV: one row per file, then the total.") var csv = false
    @Flag(name: .shortAndLong, help: "No warnings on stderr (errors still print).") var quiet = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one flow file.") }
        if json && csv { throw ValidationError("--json and --csv cannot be used together.") }
    }

    func run() throws {
        let ports = port.isEmpty ? FlowFileJob.defaultPorts : Set(port)
        var results: [FlowFileResult] = []
        for p in paths {
            let r = FlowFileJob.run(path: p, ports: ports)
            if let e = r.error {
                StandardError.line("netcensus: \(paths.count == 1 ? "error" : "warning"): \(Escaping.terminal(p)): \(Escaping.terminal(e))")
            }
            if !quiet { for w in r.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) } }
            results.append(r)
        }
        let messages = results.reduce(0) { $0 + $1.counters.ipfixMessages + $1.counters.netflowV9Messages }
        if messages == 0 {
            let opened = results.contains(where: \.opened)
            if paths.count > 1 || opened { StandardError.line("netcensus: error: no IPFIX or NetFlow v9 message in \(paths.count == 1 ? Escaping.terminal(paths[0]) : "any of the \(paths.count) inputs")") }
            throw opened ? NetCensusExit.noData : NetCensusExit.cannotOpen
        }
        var total = FlowSummary()
        var counters = FlowExportReader.Counters()
        for r in results { total.merge(r.summary); counters.add(r.counters) }
        let doc = FlowsDocument(results: results, total: total, counters: counters,
                                tool: "netcensus \(NetCensusCommand.configuration.version)")
        if json { try StandardOutput.line(doc.json()) }
        else if csv { try StandardOutput.write(CSVRenderer.render(rows: doc.csvRows())) }
        else { try StandardOutput.write(doc.table()) }
    }
}

extension FlowExportReader.Counters {
    mutating func add(_ o: Self) {
        ipfixMessages += o.ipfixMessages; netflowV9Messages += o.netflowV9Messages; templates += o.templates
        optionsTemplates += o.optionsTemplates; templateWithdrawals += o.templateWithdrawals; dataRecords += o.dataRecords
        optionsRecords += o.optionsRecords; recordsWithoutTemplate += o.recordsWithoutTemplate; malformedSets += o.malformedSets
        malformedMessages += o.malformedMessages; templatesRefused += o.templatesRefused; sampledRecords += o.sampledRecords
    }
}

/// The `flows summarize` document: explicit keys, counts only (no address lists).
struct FlowsDocument {
    var results: [FlowFileResult]
    var total: FlowSummary
    var counters: FlowExportReader.Counters
    var tool: String

    static func figures(_ s: FlowSummary) -> [(String, Any)] {
        func volume(_ v: FlowSummary.Volume) -> [String: Any] { ["flows": v.flows, "packets": v.packets, "bytes": v.bytes] }
        func share(_ a: UInt64, _ b: UInt64) -> Any { FlowSummary.share(a, b) ?? NSNull() }
        func split(_ d: [String: FlowSummary.FamilyVolumes]) -> [String: Any] {
            d.mapValues { ["ipv4": volume($0.ipv4), "ipv6": volume($0.ipv6)] }
        }
        return [
            ("ipv4", volume(s.ipv4)), ("ipv6", volume(s.ipv6)), ("no_address", volume(s.noAddress)),
            ("ipv6_share", ["flows": share(s.ipv6.flows, s.ipv4.flows), "packets": share(s.ipv6.packets, s.ipv4.packets),
                            "bytes": share(s.ipv6.bytes, s.ipv4.bytes)]),
            ("hosts", ["ipv4": s.hosts.count(.v4), "ipv6": s.hosts.count(.v6), "exact": s.hosts.isExact]),
            ("protocol_41_flows", s.protocol41Flows), ("teredo_flows", s.teredoFlows), ("nat64", volume(s.nat64Flows)),
            ("by_domain", split(s.byDomain)), ("by_ingress_interface", split(s.byIngressInterface)),
            ("by_egress_interface", split(s.byEgressInterface)), ("split_overflow", s.splitOverflow),
        ]
    }

    static func counterObject(_ c: FlowExportReader.Counters) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(c))) as? [String: Any] ?? [:]
    }

    func json() throws -> String {
        var files: [[String: Any]] = []
        for r in results {
            var f: [String: Any] = ["path": r.path, "format": r.format ?? NSNull(), "error": r.error ?? NSNull(),
                                    "counters": Self.counterObject(r.counters),
                                    "sampling_rates": Dictionary(uniqueKeysWithValues: r.samplingRates.map { (String($0.key), $0.value) }),
                                    "warnings": r.warnings.count]
            for (k, v) in Self.figures(r.summary) { f[k] = v }
            files.append(f)
        }
        var totalObject: [String: Any] = ["counters": Self.counterObject(counters)]
        for (k, v) in Self.figures(total) { totalObject[k] = v }
        let doc: [String: Any] = ["schema_version": 1, "tool": tool, "files": files, "total": totalObject,
                                  "sampling_applied": counters.sampledRecords > 0]
        let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static let csvHeader = ["path", "format", "ipv4_flows", "ipv6_flows", "ipv4_packets", "ipv6_packets", "ipv4_bytes", "ipv6_bytes",
                            "ipv6_share_bytes", "ipv4_hosts", "ipv6_hosts", "protocol_41_flows", "teredo_flows", "nat64_flows",
                            "data_records", "records_without_template", "sampled_records", "warnings"]

    static func row(_ path: String, _ format: String, _ s: FlowSummary, _ c: FlowExportReader.Counters, _ warnings: Int) -> [String] {
        [path, format, "\(s.ipv4.flows)", "\(s.ipv6.flows)", "\(s.ipv4.packets)", "\(s.ipv6.packets)", "\(s.ipv4.bytes)", "\(s.ipv6.bytes)",
         FlowSummary.share(s.ipv6.bytes, s.ipv4.bytes).map { String($0) } ?? "", "\(s.hosts.count(.v4))", "\(s.hosts.count(.v6))",
         "\(s.protocol41Flows)", "\(s.teredoFlows)", "\(s.nat64Flows.flows)", "\(c.dataRecords)", "\(c.recordsWithoutTemplate)",
         "\(c.sampledRecords)", "\(warnings)"]
    }

    /// Rows for `CSVRenderer` (which quotes and neutralises untrusted cells such as paths).
    func csvRows() -> [ReportValue] {
        let rows = results.map { Self.row($0.path, $0.format ?? "", $0.summary, $0.counters, $0.warnings.count) }
            + [Self.row("TOTAL", "", total, counters, results.reduce(0) { $0 + $1.warnings.count })]
        return rows.map { .object(zip(Self.csvHeader, $0).map { ($0, .string($1)) }) }
    }

    func table() -> String {
        func pct(_ a: UInt64, _ b: UInt64) -> String { FlowSummary.share(a, b).map { String(format: "%.2f%%", $0 * 100) } ?? "-" }
        let s = total
        var out = "Flow records: \(results.count) source(s), \(counters.ipfixMessages) IPFIX + \(counters.netflowV9Messages) NetFlow v9 messages, "
            + "\(counters.dataRecords) data records\n\n"
        out += "              IPv4            IPv6            IPv6 share\n"
        out += String(format: "flows     %14llu  %14llu  %10@\n", s.ipv4.flows, s.ipv6.flows, pct(s.ipv6.flows, s.ipv4.flows))
        out += String(format: "packets   %14llu  %14llu  %10@\n", s.ipv4.packets, s.ipv6.packets, pct(s.ipv6.packets, s.ipv4.packets))
        out += String(format: "bytes     %14llu  %14llu  %10@\n", s.ipv4.bytes, s.ipv6.bytes, pct(s.ipv6.bytes, s.ipv4.bytes))
        out += "hosts     \(String(repeating: " ", count: max(0, 14 - "\(s.hosts.count(.v4))".count)))\(s.hosts.count(.v4))  "
            + "\(String(repeating: " ", count: max(0, 14 - "\(s.hosts.count(.v6))".count)))\(s.hosts.count(.v6))\(s.hosts.isExact ? "" : "  (estimates)")\n\n"
        out += "protocol 41 flows \(s.protocol41Flows), Teredo (UDP 3544) flows \(s.teredoFlows), NAT64 flows \(s.nat64Flows.flows) "
            + "(\(s.nat64Flows.bytes) bytes; IPv4 destinations over IPv6, included in IPv6)\n"
        if counters.sampledRecords > 0 {
            let rates = results.flatMap { $0.samplingRates.map { "domain \($0.key): 1 in \($0.value)" } }.sorted()
            out += "sampling applied to \(counters.sampledRecords) records (\(rates.joined(separator: ", ")))\n"
        } else {
            out += "no sampling announced: figures are as exported\n"
        }
        if counters.recordsWithoutTemplate > 0 {
            out += "\(counters.recordsWithoutTemplate) data set(s) arrived before their template and were not decoded\n"
        }
        return out
    }
}
