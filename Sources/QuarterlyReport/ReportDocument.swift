import TopologyCoverage

/// The quarterly report as one document model (docs/report.md): every renderer — HTML,
/// Markdown, JSON, CSV — walks this value and nothing else, so a figure has one key and one
/// value in every format. Keys are spelled where the document is built, never derived from
/// Swift property names.
public struct ReportDocument: Sendable {
    /// "2026Q4".
    public var quarter: String
    public var title: String
    /// Input files, tool version, options (the methods section and the history's run row).
    public var run: ReportRun
    /// The figures kept in history, quarter by quarter (section, key, value, unit).
    public var figures: [ReportFigure]
    /// Headline figures with the previous stored quarter's value beside them.
    public var headline: [HeadlineFigure]
    public var sections: [ReportSection]

    public init(quarter: String, title: String, run: ReportRun, figures: [ReportFigure], headline: [HeadlineFigure], sections: [ReportSection]) {
        self.quarter = quarter; self.title = title; self.run = run; self.figures = figures
        self.headline = headline; self.sections = sections
    }
}

/// One input file: path as given, SHA-256 (hex), size in bytes, and the time span of its packets
/// (ISO 8601 UTC; nil for topologies and empty captures).
public struct ReportInput: Sendable, Equatable {
    public var path: String, kind: String, sha256: String, bytes: Int64
    public var firstTimestamp: String?, lastTimestamp: String?
    public init(path: String, kind: String, sha256: String, bytes: Int64, firstTimestamp: String? = nil, lastTimestamp: String? = nil) {
        self.path = path; self.kind = kind; self.sha256 = sha256; self.bytes = bytes
        self.firstTimestamp = firstTimestamp; self.lastTimestamp = lastTimestamp
    }
}

public struct ReportRun: Sendable, Equatable {
    /// ISO 8601 UTC.
    public var generatedAt: String
    /// "netcensus 0.1.0".
    public var toolVersion: String
    public var inputs: [ReportInput]
    /// The options as given, one `--name value` per entry.
    public var options: [String]
    public init(generatedAt: String, toolVersion: String, inputs: [ReportInput], options: [String]) {
        self.generatedAt = generatedAt; self.toolVersion = toolVersion; self.inputs = inputs; self.options = options
    }
}

/// The unit of a figure. Shares are stored as percent (0...100) everywhere in the report.
public enum FigureUnit: String, Sendable, Codable {
    case percent, count, mbps = "Mbps", km, ms, bytes
}

/// One figure kept in history: `section` ("capture", "topology", "targets"), a stable `key`,
/// the value (nil = not measurable) and its unit.
public struct ReportFigure: Sendable, Equatable {
    public var section: String, key: String, value: Double?, unit: FigureUnit
    public init(section: String, key: String, value: Double?, unit: FigureUnit) {
        self.section = section; self.key = key; self.value = value; self.unit = unit
    }
}

/// A headline figure: this quarter's value and the previous stored quarter's (nil = none).
public struct HeadlineFigure: Sendable, Equatable {
    public var key: String, label: String, value: Double?, unit: FigureUnit, previous: Double?
    /// This quarter minus the previous, in the figure's unit (percentage points for percent).
    public var change: Double? { value.flatMap { v in previous.map { v - $0 } } }
    public init(key: String, label: String, value: Double?, unit: FigureUnit, previous: Double?) {
        self.key = key; self.label = label; self.value = value; self.unit = unit; self.previous = previous
    }
}

public struct ReportSection: Sendable {
    /// Stable key ("capture_adoption", "coverage", ...).
    public var key: String
    public var title: String
    public var blocks: [ReportBlock]
    public init(key: String, title: String, blocks: [ReportBlock]) { self.key = key; self.title = title; self.blocks = blocks }
}

public enum ReportBlock: Sendable {
    /// Plain text (untrusted parts are escaped by each renderer).
    case paragraph(String)
    case table(ReportTable)
    case chart(ReportChart)
    /// Term → definition (the methods section).
    case definitions([(term: String, text: String)])
}

public struct ReportColumn: Sendable, Equatable {
    public var key: String, label: String, unit: FigureUnit?
    public init(_ key: String, _ label: String, _ unit: FigureUnit? = nil) { self.key = key; self.label = label; self.unit = unit }
}

public enum ReportCell: Sendable, Equatable {
    case text(String)
    /// A number shown with `digits` decimals (JSON keeps the full value).
    case number(Double, digits: Int)
    case integer(Int64)
    case status(TargetStatus)
    case empty
}

/// A table: its key names the CSV file (`<key>.csv`) and the JSON member.
public struct ReportTable: Sendable {
    public var key: String, title: String
    public var columns: [ReportColumn]
    public var rows: [[ReportCell]]
    /// Rows left out to keep the page small (e.g. "400 more villages: villages.csv has all").
    public var note: String?
    public init(key: String, title: String, columns: [ReportColumn], rows: [[ReportCell]], note: String? = nil) {
        self.key = key; self.title = title; self.columns = columns; self.rows = rows; self.note = note
    }
}

public enum ReportChart: Sendable {
    /// Grouped horizontal bars: one group per label, one bar per series (e.g. IPv4, IPv6).
    case bars(key: String, title: String, unit: FigureUnit, series: [String], groups: [(label: String, values: [Double?])])
    /// Lines over quarters (x) with one value per quarter per series; nil = no figure that quarter.
    case trend(key: String, title: String, unit: FigureUnit, quarters: [String], series: [(name: String, values: [Double?])])
    /// Villages as points at their coordinates, coloured by status (equirectangular projection).
    /// `omitted`: villages sharing a drawn dot; `withoutCoordinates`: villages not drawn at all.
    case map(key: String, title: String, points: [MapPoint], omitted: Int, withoutCoordinates: Int)
}

/// A village on the map: longitude and latitude in degrees, and its coverage class.
public struct MapPoint: Sendable, Equatable {
    public enum Status: String, Sendable { case fiber, broadband, unreached }
    public var longitude: Double, latitude: Double, status: Status
    public init(longitude: Double, latitude: Double, status: Status) { self.longitude = longitude; self.latitude = latitude; self.status = status }
}
