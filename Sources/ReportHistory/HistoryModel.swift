/// One input file a report was computed from, as report.json's `run.inputs` lists it.
///
/// JSON keys: `path` (as given on the command line), `sha256` (lower-case hex of the file's
/// bytes), `bytes` (file size in bytes).
public struct HistoryInput: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String
    public var bytes: Int64

    public init(path: String, sha256: String, bytes: Int64) {
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
    }

    enum CodingKeys: String, CodingKey {
        case path = "path"
        case sha256 = "sha256"
        case bytes = "bytes"
    }
}

/// How a quarter's report was produced: stored once per quarter beside its figures.
///
/// JSON keys: `generated_at` (ISO 8601 UTC text, e.g. `2026-12-31T09:00:00Z`, stored as given),
/// `tool_version` (`netcensus --version`), `inputs` (`[HistoryInput]`), `options` (the report
/// options as command-line words, in order).
public struct HistoryRun: Codable, Sendable, Equatable {
    public var generatedAt: String
    public var toolVersion: String
    public var inputs: [HistoryInput]
    public var options: [String]

    public init(generatedAt: String, toolVersion: String, inputs: [HistoryInput], options: [String]) {
        self.generatedAt = generatedAt
        self.toolVersion = toolVersion
        self.inputs = inputs
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case toolVersion = "tool_version"
        case inputs = "inputs"
        case options = "options"
    }
}

/// One figure of a quarter's report: what the history stores and compares across quarters.
///
/// JSON keys: `section` (`capture`, `capture_targets`, `topology`, `topology_targets`), `key` (stable snake_case name
/// inside the section, e.g. `ipv6_share_packets`), `value` (a finite number, or `null` when the
/// figure could not be measured that quarter; stored as SQL NULL), `unit` (`percent` 0...100,
/// `count`, `Mbps`, `km`, ...). (section, key) is unique within a quarter.
public struct HistoryFigure: Codable, Sendable, Equatable {
    public var section: String
    public var key: String
    public var value: Double?
    public var unit: String

    public init(section: String, key: String, value: Double?, unit: String) {
        self.section = section
        self.key = key
        self.value = value
        self.unit = unit
    }

    enum CodingKeys: String, CodingKey {
        case section = "section"
        case key = "key"
        case value = "value"
        case unit = "unit"
    }

    /// `value` is written as `null` when nil (the synthesized encoder would leave the key out).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(section, forKey: .section)
        try c.encode(key, forKey: .key)
        try c.encode(value, forKey: .value)
        try c.encode(unit, forKey: .unit)
    }
}

/// A stored figure with the quarter it belongs to, as `HistoryStore.rows` returns it.
public struct HistoryRow: Sendable, Equatable {
    public var quarter: QuarterID
    public var figure: HistoryFigure

    public init(quarter: QuarterID, figure: HistoryFigure) {
        self.quarter = quarter
        self.figure = figure
    }
}
