/// Why an input could not be read as a topology: the file, where in it, and the reason.
///
/// `location` is format-specific: "line 12" (CSV, SNDlib), "feature 7" (GeoJSON),
/// "byte 0" when the whole file is unreadable.
public struct TopologyImportError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    public var location: String
    public var reason: String
    /// What kind of failure this is, set where the error is thrown (never inferred from text).
    public var kind: Kind

    /// Whether the input could be opened at all.
    public enum Kind: Sendable, Equatable {
        /// No such path, or the file could not be opened/read (the CLI exits 66, EX_NOINPUT).
        case cannotOpen
        /// Opened, but not a valid topology / profile (the CLI exits 65, EX_DATAERR).
        case invalid
    }

    public init(file: String, location: String, reason: String, kind: Kind = .invalid) {
        self.file = file; self.location = location; self.reason = reason; self.kind = kind
    }

    public var description: String { "\(file): \(location): \(reason)" }

    /// The file (or path) could not be opened at all, as opposed to opened but holding no
    /// topology; the CLI exits 66 for the first and 65 for the second.
    public var cannotOpen: Bool { kind == .cannotOpen }
}
