import Foundation
import Testing
import CaptureCore
import TrafficAnalysis
import CaptureJobs
import TestSupport

/// The record logs (`capture conns`, `capture dns`) run only the family analyzer (for the
/// warnings they print) and the flows, without the summary's flow figures: on every public
/// capture that must give the same connection records, DNS transactions and warnings as the run
/// with every analyzer and figure, and what it leaves out must really be left out (else the
/// saving is not there).
@Suite struct RecordLogRolesCorpusTests {
    @Test func recordsAndWarningsMatchTheFullRun() throws {
        guard let files = StagedFileJobCorpusTests.captures() else {
            #expect(!SharedData.isCI, "../shared/captures/public missing"); print("skip: no public captures"); return
        }
        var options = AnalysisOptions()
        options.emitConnectionRecords = true
        options.emitDNSRecords = true
        var records = 0
        for path in files {
            var fullConnections: [String] = [], fullDNS: [String] = []
            var logConnections: [String] = [], logDNS: [String] = []
            let full = CaptureFileJob.run(path: path, options: options,
                                          connections: { for c in $0 { fullConnections.append("\(c)") } },
                                          dns: { for t in $0 { fullDNS.append("\(t)") } })
            var logOptions = options
            logOptions.countFlowFigures = false   // as `capture conns` / `capture dns` run
            let log = CaptureFileJob.run(path: path, options: logOptions,
                                         connections: { for c in $0 { logConnections.append("\(c)") } },
                                         dns: { for t in $0 { logDNS.append("\(t)") } },
                                         roles: [.families, .flows])
            // As sets: when an idle connection is swept out depends on the table's random seed.
            #expect(fullConnections.sorted() == logConnections.sorted(), "connection records differ: \(path)")
            #expect(fullDNS.sorted() == logDNS.sorted(), "DNS transactions differ: \(path)")
            #expect(full.summary.warnings == log.summary.warnings, "warnings differ: \(path)")
            #expect(full.recordsRead == log.recordsRead, "\(path)")
            // Hosts were not counted in the record-log run.
            #expect(log.summary.addresses == AddressSet() && log.summary.tcp == HandshakeCounters(),
                    "hosts or packet counts were run by the record-log run: \(path)")
            #expect(log.summary.connections == ConnectionSummary() && log.summary.dnsTransactions == DNSSummary()
                    && log.summary.flows == FlowSet(), "flow figures were counted by the record-log run: \(path)")
            records += fullConnections.count + fullDNS.count
        }
        #expect(files.count >= 70)
        #expect(records > 300)   // 447 in the corpus of 2026-12
    }
}

/// A record log lists records in the order they finish; on every public capture that order is
/// the same from run to run (each run's connection table has a new random seed).
@Suite struct RecordOrderCorpusTests {
    @Test func connectionRecordsFinishInTheSameOrderEveryRun() throws {
        guard let files = StagedFileJobCorpusTests.captures() else {
            #expect(!SharedData.isCI, "../shared/captures/public missing"); print("skip: no public captures"); return
        }
        var options = AnalysisOptions()
        options.emitConnectionRecords = true
        for path in files {
            var runs: [[String]] = []
            for _ in 0..<3 {
                var order: [String] = []
                _ = CaptureFileJob.run(path: path, options: options, connections: { for c in $0 { order.append("\(c.id) \(c.end)") } },
                                       roles: [.families, .flows])
                runs.append(order)
            }
            #expect(runs[0] == runs[1] && runs[1] == runs[2], "record order differs between runs: \(path)")
        }
    }
}
