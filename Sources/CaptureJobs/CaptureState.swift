import Foundation
import CZlib
import PacketDecoding
import TrafficAnalysis
import TransitionAnalysis

/// The mergeable state of a `capture summarize` or `capture analyze` run (`--state-out FILE`):
/// every input's result with its full `AdoptionSummary` (counters, exact distinct sets or
/// HyperLogLog sketches, response-time and RTT distributions, warnings), for `capture analyze`
/// the transition analysis of the inputs (`transition`, a `TransitionState`), plus the settings
/// that shape the figures. `capture merge` combines any number of states into the document one
/// run over all their inputs would give. Format and rules: docs/state-format.md.
///
/// On disk: one header line of JSON, `{"format":"netcensus-capture-state","version":2,
/// "payload_bytes":N,"crc32":C}`, then N bytes of JSON payload (`tool`, `settings`, `files`),
/// whose zlib CRC-32 is C. The CRC catches accidental damage (a truncated copy, a flipped
/// bit); it is not authentication.
public struct CaptureState: Sendable, Equatable, Codable {
    public static let formatName = "netcensus-capture-state"
    /// Raised whenever the payload's meaning changes; states of another version are refused.
    /// Version 2: the `transition` member (`capture analyze --state-out`) and the
    /// `transition.*` settings.
    public static let version = 2

    /// One input of the run, as `CaptureFileResult`.
    public struct File: Sendable, Equatable, Codable {
        public var path: String
        public var format: String?
        public var recordsRead: Int
        public var openError: String?
        public var formatError: String?
        public var summary: AdoptionSummary
        /// The file's CDN reachability figures (nil when the run left the CDN analysis out:
        /// `settings["cdn.rules"]` is then "off").
        public var cdn: CDNSummary? = nil

        enum CodingKeys: String, CodingKey {
            case path, format, recordsRead = "records_read", openError = "open_error", formatError = "format_error", summary, cdn
        }
    }

    /// The tool that wrote the state (`netcensus 0.1.0`).
    public var tool: String
    /// Every option that changes a figure (BPF filter, decoder ports and limits, analyzer
    /// timeouts and caps), name -> value text. States merge only when these are equal.
    public var settings: [String: String]
    public var files: [File]
    /// The transition analysis of every input merged (`TransitionState.merged`), written by
    /// `capture analyze --state-out`; nil for `capture summarize` states (whose settings then
    /// carry no `transition.*` option, so the two kinds never merge with each other).
    public var transition: TransitionState? = nil

    public init(tool: String, settings: [String: String], files: [File], transition: TransitionState? = nil) {
        self.tool = tool
        self.settings = settings
        self.files = files
        self.transition = transition
    }

    public init(tool: String, settings: [String: String], results: [CaptureFileResult], transition: TransitionState? = nil) {
        self.init(tool: tool, settings: settings, files: results.map {
            File(path: $0.path, format: $0.format?.rawValue, recordsRead: $0.recordsRead, openError: $0.openError,
                 formatError: $0.formatError, summary: $0.summary, cdn: nil)
        }, transition: transition)
    }

    /// The settings text of a run: `filter`, every stored property of `DecoderOptions` as
    /// `decoder.NAME`, of `AnalysisOptions` as `analysis.NAME` (record-emission switches
    /// excluded: they change what is printed, not a figure).
    public static func settings(filter: String?, decoder: DecoderOptions, analysis: AnalysisOptions) -> [String: String] {
        var s: [String: String] = ["filter": filter ?? ""]
        for c in Mirror(reflecting: decoder).children { if let l = c.label { s["decoder." + l] = "\(c.value)" } }
        for c in Mirror(reflecting: analysis).children {
            // countFlowFigures is off only in runs that write no state.
            guard let l = c.label, !l.hasPrefix("emit"), l != "countFlowFigures" else { continue }
            s["analysis." + l] = "\(c.value)"
        }
        return s
    }

    /// The settings of a transition analysis (`capture analyze`), added to `settings(filter:...)`:
    /// every stored property of `TransitionOptions` as `transition.NAME` (prefix lists as their
    /// prefixes sorted and comma-separated, so the order they were given in does not matter).
    public static func transitionSettings(_ options: TransitionOptions) -> [String: String] {
        var s: [String: String] = [:]
        for c in Mirror(reflecting: options).children {
            guard let l = c.label else { continue }
            switch c.value {
            case let list as [IPPrefix]: s["transition." + l] = list.map(\.description).sorted().joined(separator: ",")
            case let p as IPPrefix?: s["transition." + l] = p?.description ?? ""
            default: s["transition." + l] = "\(c.value)"
            }
        }
        return s
    }

    /// The CDN figures of every file and their total, merged in file order (nil when the runs left
    /// the CDN analysis out).
    public var cdn: (files: [CDNSummary], total: CDNSummary, rules: String)? {
        guard let rules = settings["cdn.rules"], rules != "off" else { return nil }
        let files = self.files.map { $0.cdn ?? CDNSummary() }
        var total = CDNSummary()
        for f in files { total.merge(f) }
        return (files, total, rules)
    }

    /// The total over every file, merged in file order (as `capture summarize` does).
    public var total: AdoptionSummary {
        var t = AdoptionSummary()
        for f in files { t.merge(f.summary) }
        return t
    }

    // MARK: - Writing and reading

    /// The bytes of the state file: header line, then the payload.
    public func serialized() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Self.frame(payload: [UInt8](try encoder.encode(self)))
    }

    /// A payload behind its header line (length and CRC-32 computed here).
    public static func frame(payload: [UInt8]) -> [UInt8] {
        let crc = payload.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        let header = "{\"format\":\"\(formatName)\",\"version\":\(version),\"payload_bytes\":\(payload.count),\"crc32\":\(crc)}\n"
        return Array(header.utf8) + payload
    }

    /// Reads a state file's bytes. Throws `CaptureStateError` (naming `path`) when the bytes are
    /// not a state, of another version, truncated, damaged (CRC) or undecodable.
    public static func parse(_ bytes: [UInt8], path: String) throws -> CaptureState {
        func fail(_ reason: String) -> CaptureStateError { CaptureStateError(path: path, reason: reason) }
        guard let newline = bytes.prefix(4096).firstIndex(of: 0x0a) else {
            throw fail(bytes.isEmpty ? "empty file, not a NetCensus state" : "not a NetCensus state (no header line)")
        }
        struct Header: Decodable {
            var format: String
            var version: Int
            var payload_bytes: Int
            var crc32: UInt32
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[..<newline])),
              header.format == formatName else {
            throw fail("not a NetCensus state (header is not {\"format\":\"\(formatName)\",...})")
        }
        guard header.version == version else {
            throw fail("state version \(header.version); this netcensus reads version \(version)")
        }
        let payload = bytes[(newline + 1)...]
        guard payload.count == header.payload_bytes else {
            throw fail(payload.count < header.payload_bytes
                       ? "truncated: \(payload.count) of \(header.payload_bytes) payload bytes"
                       : "\(payload.count - header.payload_bytes) bytes after the payload")
        }
        let crc = payload.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        guard crc == header.crc32 else {
            throw fail("damaged: CRC-32 of the payload is \(crc), the header says \(header.crc32)")
        }
        do {
            return try JSONDecoder().decode(CaptureState.self, from: Data(payload))
        } catch {
            throw fail("payload does not decode: \(Self.describe(error))")
        }
    }

    /// Combines states: their files in the order given. Throws when settings differ (naming the
    /// first differing option) or when one input appears twice (same path, packets, bytes and
    /// time span: most likely the same state given twice, which would double every figure).
    /// Nothing is merged unless every state passes.
    public static func merge(_ states: [(path: String, state: CaptureState)]) throws -> CaptureState {
        guard let first = states.first else { return CaptureState(tool: "", settings: [:], files: []) }
        var seen: [String: String] = [:]
        for (path, state) in states {
            if state.settings != first.state.settings {
                let keys = Set(state.settings.keys).union(first.state.settings.keys).sorted()
                let key = keys.first { state.settings[$0] != first.state.settings[$0] } ?? "?"
                throw CaptureStateError(path: path, reason: "made with other settings than \(first.path): \(key) is "
                    + "'\(state.settings[key] ?? "unset")', not '\(first.state.settings[key] ?? "unset")'")
            }
            for f in state.files where f.summary.packets > 0 {
                let identity = "\(f.path)|\(f.summary.packets)|\(f.summary.bytes)|\(f.summary.firstTimestamp ?? 0)|\(f.summary.lastTimestamp ?? 0)"
                if let other = seen[identity] {
                    throw CaptureStateError(path: path, reason: "input \(f.path) is already in \(other) (same packets, bytes and time span)")
                }
                seen[identity] = path
            }
        }
        let transitions = states.compactMap(\.state.transition)
        if transitions.count != states.count && !transitions.isEmpty, let odd = states.first(where: { $0.state.transition == nil }) {
            throw CaptureStateError(path: odd.path, reason: "has no transition section (written by capture summarize), unlike \(first.path)")
        }
        return CaptureState(tool: first.state.tool, settings: first.state.settings, files: states.flatMap(\.state.files),
                            transition: transitions.isEmpty ? nil : TransitionState.merged(transitions))
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c), DecodingError.keyNotFound(_, let c),
             DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            let at = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return (at.isEmpty ? "" : "at \(at): ") + c.debugDescription
        default:
            return "\(error)"
        }
    }
}

/// A state file that cannot be used: which file and why (one line).
public struct CaptureStateError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
