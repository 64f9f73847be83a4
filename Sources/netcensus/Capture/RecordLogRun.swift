import CaptureJobs
import Reporting

/// The one loop behind the record logs (`capture conns`, `capture dns`): every input through
/// the pipeline, each finished record written as a log line as it comes (buffered stdout),
/// warnings on stderr, and the capture commands' exit rule (65 when nothing was read from opened
/// inputs, 66 when none could be opened).
enum RecordLogRun {
    /// - Parameters:
    ///   - analyse: runs one input and hands each finished record's field values to `emit`.
    /// - Throws: `NetCensusExit` (write failure, no packets, nothing opened).
    static func run(inputs: [(path: String, openError: String?)], log: RecordLog, quiet: Bool,
                    analyse: (_ path: String, _ emit: @escaping ([ReportValue]) -> Void) -> CaptureFileResult) throws {
        var out = BufferedOutput()
        try out.write(log.header)
        var recordsRead = 0, opened = 0
        var writeError: Error? = nil
        for input in inputs {
            let r = input.openError.map { CapturePipeline.unopened(path: input.path, reason: $0) }
                ?? analyse(input.path) { values in
                    guard writeError == nil else { return }
                    do { try out.write(log.line(values)) } catch { writeError = error }
                }
            if let e = writeError { throw e }
            if !quiet { for w in r.summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) } }
            recordsRead += r.recordsRead
            if r.opened { opened += 1 }
        }
        try out.flush()
        if recordsRead == 0 {
            StandardError.line("netcensus: error: no packets could be read from \(inputs.count == 1 ? Escaping.terminal(inputs[0].path) : "any of the \(inputs.count) inputs")")
            throw opened == 0 ? NetCensusExit.cannotOpen : NetCensusExit.noData
        }
    }
}
