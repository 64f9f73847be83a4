/// A problem found while reading a capture: what was readable before it is kept and counted.
///
/// Rendered as `FILE: offset N: REASON`, the form tcpdump and capinfos users expect on stderr.
public struct CaptureWarning: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Path of the capture file (or interface name for live capture).
    public var file: String
    /// Byte offset in the file where the fault was found (start of the bad record or block).
    public var byteOffset: Int
    /// Stable snake_case reason code, e.g. `truncated_record`, `bad_block_length` (Zeek-style).
    public var code: String
    /// One-line human explanation.
    public var reason: String

    public init(file: String, byteOffset: Int, code: String, reason: String) {
        self.file = file
        self.byteOffset = byteOffset
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(file): offset \(byteOffset): \(reason) [\(code)]" }
}
