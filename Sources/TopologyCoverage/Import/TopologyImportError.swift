/// Why an input could not be read as a topology: the file, where in it, and the reason.
///
/// `location` is format-specific: "line 12" (CSV, SNDlib), "feature 7" (GeoJSON),
/// "byte 0" when the whole file is unreadable.
public struct TopologyImportError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    public var location: String
    public var reason: String

    public init(file: String, location: String, reason: String) {
        self.file = file; self.location = location; self.reason = reason
    }

    public var description: String { "\(file): \(location): \(reason)" }

    /// The file (or path) could not be opened at all, as opposed to opened but holding no
    /// topology; the CLI exits 66 for the first and 65 for the second.
    public var cannotOpen: Bool { location == "path" || reason == "cannot open file" }
}
