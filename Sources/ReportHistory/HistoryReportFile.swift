import Foundation

/// The part of a report.json the history reads: `schema` ("netcensus-report"),
/// `schema_version` (1), `quarter` ("2026Q4"), `run` (`HistoryRun`) and `figures`
/// (`[HistoryFigure]`). Other top-level keys (the report's sections) are ignored.
public struct HistoryReportFile: Codable, Sendable, Equatable {
    public static let schemaName = "netcensus-report"
    /// The report.json schema versions this reader understands.
    public static let supportedVersions = 1...1
    /// Larger files are refused before reading (a report's figures are a few kilobytes).
    public static let maximumBytes = 64 << 20

    public var schema: String
    public var schemaVersion: Int
    public var quarter: QuarterID
    public var run: HistoryRun
    public var figures: [HistoryFigure]

    public init(quarter: QuarterID, run: HistoryRun, figures: [HistoryFigure]) {
        self.schema = Self.schemaName
        self.schemaVersion = 1
        self.quarter = quarter
        self.run = run
        self.figures = figures
    }

    enum CodingKeys: String, CodingKey {
        case schema = "schema"
        case schemaVersion = "schema_version"
        case quarter = "quarter"
        case run = "run"
        case figures = "figures"
    }

    /// Why a report.json was refused; `path` is the file as given.
    public enum ReadError: Error, Equatable, Sendable, CustomStringConvertible {
        /// Missing, unreadable, not a regular file, or too large (exit 66 in the CLI).
        case cannotRead(path: String, reason: String)
        /// Not JSON, wrong schema or version, a missing or mistyped key, a bad quarter, an
        /// empty key or a non-finite value (exit 65 in the CLI).
        case invalid(path: String, reason: String)

        public var description: String {
            switch self {
            case .cannotRead(let path, let reason): "cannot read \(path): \(reason)"
            case .invalid(let path, let reason): "\(path) is not a usable netcensus report: \(reason)"
            }
        }
    }

    /// Reads and validates `path`.
    /// - Throws: `ReadError`.
    public static func read(path: String) throws -> HistoryReportFile {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw ReadError.cannotRead(path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw ReadError.cannotRead(path: path, reason: "not a regular file")
        }
        if let size = attributes[.size] as? NSNumber, size.int64Value > Int64(maximumBytes) {
            throw ReadError.cannotRead(path: path, reason: "larger than \(maximumBytes >> 20) MiB")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReadError.cannotRead(path: path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, path: path)
    }

    /// Decodes and validates report.json bytes; `path` only names the file in errors.
    /// - Throws: `ReadError.invalid`.
    public static func decode(_ data: Data, path: String) throws -> HistoryReportFile {
        let report: HistoryReportFile
        do {
            report = try JSONDecoder().decode(HistoryReportFile.self, from: data)
        } catch let e as DecodingError {
            throw ReadError.invalid(path: path, reason: describe(e))
        } catch {
            throw ReadError.invalid(path: path, reason: "not JSON")
        }
        guard report.schema == schemaName else {
            throw ReadError.invalid(path: path, reason: "schema is '\(report.schema)', expected '\(schemaName)'")
        }
        guard supportedVersions.contains(report.schemaVersion) else {
            throw ReadError.invalid(path: path, reason: "schema_version \(report.schemaVersion) is not supported (this netcensus reads \(supportedVersions.upperBound))")
        }
        do {
            try HistoryStores.validate(report.figures)
        } catch let e as HistoryError {
            if case .invalidReport(let reason) = e { throw ReadError.invalid(path: path, reason: reason) }
            throw e
        }
        return report
    }

    /// `at run.inputs[0].sha256: missing` rather than Foundation's long description.
    static func describe(_ error: DecodingError) -> String {
        func where_(_ path: [any CodingKey]) -> String {
            var s = ""
            for k in path {
                if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
            }
            return s.isEmpty ? "top level" : s
        }
        switch error {
        case .keyNotFound(let key, let c): return "at \(where_(c.codingPath + [key])): missing"
        case .typeMismatch(let type, let c): return "at \(where_(c.codingPath)): expected \(type)"
        case .valueNotFound(let type, let c): return "at \(where_(c.codingPath)): expected \(type), found null"
        case .dataCorrupted(let c):
            return c.codingPath.isEmpty ? "not JSON" : "at \(where_(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "undecodable"
        }
    }
}
