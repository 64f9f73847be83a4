import ArgumentParser
import Foundation
import CaptureJobs
import CaptureTargets
import CDNAttribution
import CDNReachability
import Crypto
import QuarterlyReport
import ReportHistory
import Reporting
import TopologyCoverage
import TrafficAnalysis
import TransitionAnalysis

/// `netcensus report --quarter 2026Q4 [--captures PATH...] [--topology FILE] [--targets NAME...]
/// [--network fixed|mobile|metro] [--out DIR] [--database LOC]`: the quarter's report
/// (index.html, report.md, report.json, one CSV per table) and its figures in history.
/// With only `--quarter` it reads the project's samples (`Captures/`, `Topologies/synth-300-seed7`),
/// as a fixed network.
struct ReportGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the quarterly report (HTML, Markdown, JSON, CSV) and keep its figures in history.",
        discussion: """
        Captures are read through the transition analysis (devices, NAT64, Happy Eyeballs) and the \
        CDN analysis; the topology is scored and planned; each --targets profile is scored where it \
        has checks (capture rows against the captures, coverage rows against the topology). The \
        figures replace the quarter's rows in the history database in one transaction, and the \
        page shows the trend over every stored quarter. Definitions: docs/report.md. \
        Exit codes: 0 written, 1 cannot write, 64 usage, 65 no data, 66 cannot open, 69 a postgresql:// \
        database in a build without the Postgres trait.
        """)

    @Option(name: .long, help: ArgumentHelp("The quarter, e.g. 2026Q4.", valueName: "YYYYQn"))
    var quarter: String

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Capture files or directories (default with no --topology either: Captures/).", valueName: "PATH"))
    var captures: [String] = []

    @Option(name: .long, help: ArgumentHelp("Topology file or directory (default with no --captures either: Topologies/synth-300-seed7).", valueName: "FILE"))
    var topology: String?

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
        "Target profiles (default: broadband-china-2020 and ipv6-work-plan-2025). Each is scored where it has checks.", valueName: "NAME"))
    var targets: [String] = []

    @Option(name: .long, help: ArgumentHelp("Network the captures come from (fixed, mobile, metro), for traffic-share targets. Default: none (those rows are not measurable), except on the samples (only --quarter), which are a home network: fixed.", valueName: "NETWORK"))
    var network: String?

    @Option(name: .long, help: ArgumentHelp("Output folder (default: Reports/<quarter>/).", valueName: "DIR"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("History: a SQLite file or a postgresql:// URL.", valueName: "LOC"))
    var database: String = HistoryStores.defaultLocation

    @Flag(name: .long, help: "Do not read or write history (the page then has no trend beyond this quarter).")
    var noHistory = false

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Local (operator) prefixes for devices, comma-separated or repeated.", valueName: "P,..."))
    var localPrefix: [String] = []

    @Option(name: .long, help: ArgumentHelp("Contention ratio N (N:1) for capacity per household.", valueName: "N"))
    var contention: Double = 20

    @Flag(name: .customLong("no-cdn"), help: "Leave out the CDN analysis.")
    var noCDN = false

    @Flag(name: .long, help: "Accepted for scripts: no table of the report lists addresses (devices are counted, never listed), so there is nothing to reveal.")
    var includeAddresses = false

    @Flag(name: .shortAndLong, help: "No progress and no warnings on stderr.")
    var quiet = false

    func validate() throws {
        guard QuarterID(quarter) != nil else { throw ValidationError("--quarter must look like 2026Q4, not '\(Escaping.terminal(quarter))'.") }
        if let n = network, CaptureNetwork(rawValue: n.lowercased()) == nil {
            throw ValidationError("--network must be fixed, mobile or metro, not '\(Escaping.terminal(n))'.")
        }
        guard contention.isFinite && contention > 0 else { throw ValidationError("--contention must be a finite number > 0") }
    }

    func run() throws {
        let q = QuarterID(quarter)!
        let samples = captures.isEmpty && topology == nil
        let capturePaths = samples ? ["Captures"] : captures
        let topologyPath = samples ? "Topologies/synth-300-seed7" : topology
        let profileNames = targets.isEmpty ? ["broadband-china-2020", "ipv6-work-plan-2025"] : targets
        var profiles: [TargetProfile] = []
        for name in profileNames {
            let p: TargetProfile
            do { p = try TargetCatalog.resolve(name).0 } catch {
                StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
                throw (error as? TopologyImportError)?.cannotOpen == true ? NetCensusExit.cannotOpen : NetCensusExit.usage
            }
            // A profile named twice (by name and alias) is scored once.
            if !profiles.contains(where: { $0.name == p.name }) { profiles.append(p) }
        }
        // The samples are a home network's traffic: scored as a fixed network unless told otherwise.
        let net = (network ?? (samples ? "fixed" : nil)).flatMap { CaptureNetwork(rawValue: $0.lowercased()) }
        var inputs: [ReportInput] = []

        // Captures: one transition analysis over every file in order (it also yields each
        // file's adoption summary), then the CDN analysis per file.
        var captureFindings: CaptureFindings? = nil
        if !capturePaths.isEmpty {
            let files = try CaptureInputList.resolve(capturePaths, quiet: quiet)
            var options = TransitionOptions()
            options.localPrefixes = try CaptureAnalyze.prefixes(localPrefix, option: "--local-prefix")
            var analyzer = TransitionAnalyzer(options: options)
            let progress = ProgressLine.make(quiet: quiet, files: files.count)
            let pipeline = CapturePipeline(filter: nil, progress: progress)
            var total = AdoptionSummary()
            var cdnTotal: CDNSummary? = nil
            var openedAny = false
            let rules = noCDN ? nil : CDNMatcher(try CDNRules.bundled())
            for f in files {
                if let e = f.openError {
                    if !quiet { StandardError.line("netcensus: warning: \(Escaping.terminal(f.path)): \(Escaping.terminal(e))") }
                    continue
                }
                let r = pipeline.summarize(path: f.path, transition: &analyzer)
                if !quiet { for w in r.summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) } }
                // Opened by the reader, or not an input at all (a device, a FIFO named directly).
                guard r.openError == nil else { continue }
                openedAny = true
                total.merge(r.summary)
                if let m = rules {
                    var cdn = CDNAnalyzer(matcher: m)
                    _ = pipeline.summarize(path: f.path, extension: &cdn)
                    var t = cdnTotal ?? CDNSummary(); t.merge(cdn.finish()); cdnTotal = t
                }
                inputs.append(try Self.describe(f.path, kind: "capture", first: r.summary.firstTimestamp, last: r.summary.lastTimestamp))
            }
            guard openedAny else {
                StandardError.line("netcensus: error: none of the captures could be opened (\(Escaping.terminal(capturePaths.joined(separator: " "))))")
                throw NetCensusExit.cannotOpen
            }
            guard total.packets > 0 else {
                StandardError.line("netcensus: error: no packets could be read from the captures (\(Escaping.terminal(capturePaths.joined(separator: " "))))")
                throw NetCensusExit.noData
            }
            let transition = analyzer.finish()
            let scored = profiles.filter { !($0.captureChecks ?? []).isEmpty }.map { p in
                (profile: p, network: net, results: CaptureTargetScorer.score(p, summary: transition, network: net))
            }
            captureFindings = CaptureFindings(total: total, transition: transition, cdn: cdnTotal, targets: scored)
        }

        // Topology: scored with every chosen profile's speeds, planned against the first profile
        // that has coverage checks.
        var topologyFindings: TopologyFindings? = nil
        if let path = topologyPath {
            let topo = try TopologyInputOptions.loadTopology(path, includePlanned: false)
            do { try topo.validateInfrastructureAttributes() } catch {
                TopologyOutput.error("\(path): \(error)"); throw NetCensusExit.noData
            }
            let coverageProfiles = profiles.filter { !$0.checks.isEmpty }
            var o = CoverageOptions(contentionRatio: contention, unknownCapacityMbps: 0, backboneIds: nil, regionLevel: 1)
            o.worstCount = 20   // the report's "worst villages" table (docs/report.md)
            o.thresholdsMbps = Array(Set(o.thresholdsMbps + coverageProfiles.flatMap(\.speedsMbps))).sorted()
            let report = CoverageScorer.score(topo, options: o)
            let scored = coverageProfiles.map { (profile: $0, results: TargetScorer.score($0, report: report, topology: topo)) }
            var plan: FiberPlan? = nil
            if let p = coverageProfiles.first {
                let missing = FiberPlanner.missingVillages(report, profile: p)
                plan = FiberPlanner.plan(topo, report: report, missing: missing,
                                         options: FiberPlanOptions(costPerKm: 20_000, currency: "USD", nearestFiber: 3, routeFactor: 1, newFiberMbps: 10_000, costs: nil))
            }
            topologyFindings = TopologyFindings(name: path, topology: topo, report: report, targets: scored, plan: plan)
            inputs += try Self.topologyFiles(path).map { try Self.describe($0, kind: "topology", first: nil, last: nil) }
        }

        let run = ReportRun(generatedAt: Self.now(), toolVersion: "netcensus \(NetCensusCommand.configuration.version)", inputs: inputs,
                            options: Self.optionList(quarter: quarter, captures: capturePaths, topology: topologyPath, targets: profileNames,
                                                     network: net?.rawValue, contention: contention, noCDN: noCDN, localPrefix: localPrefix))
        var store: (any HistoryStore)? = nil
        var past: [HistoryRow] = []
        if !noHistory {
            do {
                let s = try HistoryStores.open(database)
                store = s
                past = try s.rows(from: nil, to: nil)
            } catch { throw HistoryFailure.exit(error) }
        }
        defer { try? store?.close() }
        let document = QuarterlyReportBuilder.build(quarter: q, run: run, capture: captureFindings, topology: topologyFindings, history: past)

        // Files staged, history stored, then the files renamed into place: a failure or a kill
        // before the history commit leaves both the previous page and the previous rows.
        let dir = out ?? "Reports/\(q.description)"
        let figures = document.figures.map { HistoryFigure(section: $0.section, key: $0.key, value: $0.value, unit: $0.unit.rawValue) }
        do { try HistoryStores.validate(figures) } catch {
            StandardError.line("netcensus: error: internal: the report's figures do not validate: \(Escaping.terminal("\(error)"))")
            throw NetCensusExit.failure
        }
        let staged = try ReportFiles.stage(document, in: dir)
        if let s = store {
            let historyRun = HistoryRun(generatedAt: run.generatedAt, toolVersion: run.toolVersion,
                                        inputs: run.inputs.map { HistoryInput(path: $0.path, sha256: $0.sha256, bytes: $0.bytes) }, options: run.options)
            do { try s.replace(quarter: q, run: historyRun, figures: figures) } catch {
                ReportFiles.discard(staged)
                throw HistoryFailure.exit(error)
            }
        }
        try ReportFiles.commit(staged)
        // stdout: the headline and the target outcomes, so a terminal user sees the quarter at once.
        try StandardOutput.write(ReportSummaryText.render(document, directory: dir, history: store != nil ? HistoryStores.displayName(database) : nil))
    }

    /// Path, size and SHA-256 (streamed in 1 MiB reads) of an input file. Only regular files
    /// are hashed (a FIFO or device would block or never end): the caller passes files that
    /// were read, and anything else is refused here with exit 66.
    static func describe(_ path: String, kind: String, first: Int64?, last: Int64?) throws -> ReportInput {
        guard isRegularFile(path), let h = FileHandle(forReadingAtPath: path) else {
            StandardError.line("netcensus: error: \(Escaping.terminal(path)): cannot open to hash"); throw NetCensusExit.cannotOpen
        }
        defer { try? h.close() }
        var hasher = SHA256(), bytes: Int64 = 0
        while true {
            let chunk = try h.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            hasher.update(data: chunk); bytes += Int64(chunk.count)
        }
        let hex = hasher.finalize().map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return ReportInput(path: path, kind: kind, sha256: hex, bytes: bytes,
                           firstTimestamp: first.map(CaptureSummaryReport.isoTimestamp), lastTimestamp: last.map(CaptureSummaryReport.isoTimestamp))
    }

    /// The files a topology path stands for: itself, or the regular files of its directory
    /// (FIFOs, devices and sockets left out: they are not part of a topology and cannot be hashed).
    static func topologyFiles(_ path: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { return [path] }
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }.filter(isRegularFile)
    }

    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    static func now() -> String {
        CaptureSummaryReport.isoTimestamp(Int64(Date().timeIntervalSince1970 * 1_000_000_000))
    }

    static func optionList(quarter: String, captures: [String], topology: String?, targets: [String], network: String?,
                           contention: Double, noCDN: Bool, localPrefix: [String]) -> [String] {
        var o = ["--quarter \(quarter)"]
        if !captures.isEmpty { o.append("--captures " + captures.joined(separator: " ")) }
        if let t = topology { o.append("--topology \(t)") }
        o.append("--targets " + targets.joined(separator: " "))
        if let n = network { o.append("--network \(n)") }
        o.append("--contention \(JSONRenderer.render(.number(contention)))")
        if noCDN { o.append("--no-cdn") }
        if !localPrefix.isEmpty { o.append("--local-prefix " + localPrefix.joined(separator: ",")) }
        return o
    }
}
