import Foundation
import CaptureJobs
import Reporting

/// Reading and writing `CaptureState` files for the command line: a state is written to a
/// temporary file beside the target and renamed into place, so an interrupted run never leaves a
/// half-written state that a later `capture merge` would refuse (or worse, read).
enum StateFile {
    static func write(_ state: CaptureState, to path: String) throws {
        let bytes: [UInt8]
        do { bytes = try state.serialized() } catch {
            StandardError.line("netcensus: error: cannot encode the state: \(Escaping.terminal("\(error)"))")
            throw NetCensusExit.failure
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try Data(bytes).write(to: temporary)
            if FileManager.default.fileExists(atPath: url.path) {
                _ = try FileManager.default.replaceItemAt(url, withItemAt: temporary)
            } else {
                try FileManager.default.moveItem(at: temporary, to: url)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            StandardError.line("netcensus: error: cannot write state \(Escaping.terminal(path)): \(Escaping.terminal(error.localizedDescription))")
            throw NetCensusExit.failure
        }
    }

    /// Reads one state; a file that cannot be opened exits 66, one that is not a usable state 65,
    /// each with one line naming the file.
    static func read(_ path: String) throws -> CaptureState {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let why = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                ? (isDirectory.boolValue ? "is a directory" : "cannot be read") : "no such file"
            StandardError.line("netcensus: error: \(Escaping.terminal(path)): \(why)")
            throw NetCensusExit.cannotOpen
        }
        do { return try CaptureState.parse([UInt8](data), path: path) } catch {
            StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
            throw NetCensusExit.noData
        }
    }
}
