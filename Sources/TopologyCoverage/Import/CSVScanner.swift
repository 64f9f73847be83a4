#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One field of the current record: a byte range of the input, without its quotes.
struct CSVField {
    /// Offset of the first content byte (after an opening quote).
    var start: Int
    /// Offset just past the last content byte (before a closing quote).
    var end: Int
    /// A quoted field holding `""` pairs, each of which stands for one `"` (RFC 4180 rule 7).
    var hasDoubledQuotes: Bool
    var isEmpty: Bool { start == end }
}

/// A streaming RFC 4180 record reader over bytes (a mapped file): no copy of the input, no
/// allocation per field (fields are byte ranges into `bytes`, in one reused array).
///
/// Grammar (RFC 4180 section 2, with the usual liberal readings, as Python's `csv` module):
/// - records end with CRLF, LF or a lone CR; the last record may lack one; blank lines are
///   skipped (they hold no record);
/// - fields are separated by `,`; a field starting with `"` is quoted: it ends at the next
///   single `"`, may hold commas, CR and LF, and `""` inside it stands for one `"`;
///   after the closing quote only `,`, a line end or the end of input may follow;
/// - a `"` inside an unquoted field is kept as a literal character;
/// - a UTF-8 byte order mark (EF BB BF) at offset 0 is skipped (spreadsheet exports write one).
///
/// Errors name the file, the 1-based line and the 1-based column (in characters) where the
/// problem starts: an unterminated quoted field (the opening quote's place) and a character
/// after a closing quote. Line numbers count physical lines, so a quoted newline moves the
/// following records down, as a text editor shows them.
///
/// Complexity: one pass, O(bytes); `memchr` finds closing quotes.
struct CSVScanner {
    let bytes: UnsafeRawBufferPointer
    let file: String
    private let base: UnsafePointer<UInt8>?
    private let count: Int
    private var offset = 0
    /// Physical line of `offset` and the offset where that line starts (for columns).
    private var line = 1
    private var lineStart = 0
    /// Line on which the current record starts.
    private(set) var recordLine = 1
    /// Fields of the current record (valid until the next call to `next()`).
    private(set) var fields: [CSVField] = []


    init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        count = bytes.count
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { offset = 3; lineStart = 3 }
        fields.reserveCapacity(16)
    }

    /// Reads the next record into `fields`; false at the end of the input.
    /// - Throws: `TopologyImportError` (file, "line L, column C", reason) for an unterminated
    ///   quoted field or text after a closing quote.
    mutating func next() throws -> Bool {
        // Byte values as local literals: the hot loop then compares against immediates
        // (static lets are lazily initialised globals, read through an accessor each time).
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2c, lf: UInt8 = 0x0a, cr: UInt8 = 0x0d
        fields.removeAll(keepingCapacity: true)
        guard let p = base else { return false }
        let n = count
        // Blank lines hold no record.
        while offset < n {
            let c = p[offset]
            if c == lf { offset += 1 } else if c == cr {
                offset += 1
                if offset < n && p[offset] == lf { offset += 1 }
            } else { break }
            line += 1; lineStart = offset
        }
        guard offset < n else { return false }
        recordLine = line
        var i = offset
        while true {
            if i < n && p[i] == quote {
                let openLine = line, openColumn = column(at: i)
                var j = i + 1, doubled = false
                var close = -1
                while close < 0 {
                    guard j < n, let q = memchr(p + j, Int32(quote), n - j) else {
                        throw TopologyImportError(file: file, location: "line \(openLine), column \(openColumn)",
                                                  reason: "unterminated quoted field (no closing '\"' before the end of the file)")
                    }
                    let qi = UnsafePointer<UInt8>(q.assumingMemoryBound(to: UInt8.self)) - p
                    countLines(from: j, to: qi)
                    if qi + 1 < n && p[qi + 1] == quote { doubled = true; j = qi + 2 } else { close = qi }
                }
                fields.append(CSVField(start: i + 1, end: close, hasDoubledQuotes: doubled))
                i = close + 1
                if i >= n { offset = n; return true }
                let c = p[i]
                if c == comma { i += 1; continue }
                if c == lf || c == cr { endRecord(at: i); return true }
                throw TopologyImportError(file: file, location: "line \(line), column \(column(at: i))",
                                          reason: "unexpected character after a closing quote (expected ',' or the end of the line)")
            }
            // Unquoted field: every byte above ',' (0x2C) is ordinary, so one compare settles
            // most bytes (digits, letters, '.', '/', UTF-8); only the rest are looked at closely.
            var j = i
            var c: UInt8 = 0
            while j < n {
                c = p[j]
                if c > comma || (c != comma && c != lf && c != cr) { j += 1; continue }
                break
            }
            fields.append(CSVField(start: i, end: j, hasDoubledQuotes: false))
            if j >= n { offset = n; return true }
            if c == comma { i = j + 1; continue }
            endRecord(at: j)
            return true
        }
    }

    /// Consumes the line end at `i` (CRLF, LF or CR).
    private mutating func endRecord(at i: Int) {
        var k = i + 1
        if base![i] == 0x0d && k < count && base![k] == 0x0a { k += 1 }
        offset = k; line += 1; lineStart = k
    }

    /// Line ends inside a quoted field (CRLF, LF or lone CR each count once).
    private mutating func countLines(from a: Int, to b: Int) {
        let p = base!
        var k = a
        while k < b {
            let c = p[k]
            if c == 0x0a || (c == 0x0d && !(k + 1 < b && p[k + 1] == 0x0a)) { line += 1; lineStart = k + 1 }
            k += 1
        }
    }

    /// 1-based column of byte `i` on the current line, counted in characters (UTF-8 lead bytes).
    private func column(at i: Int) -> Int {
        var c = 1
        for k in lineStart..<max(lineStart, i) where (base![k] & 0xC0) != 0x80 { c += 1 }
        return c
    }

    // MARK: - Field values

    /// The text of `f` (UTF-8; invalid bytes become U+FFFD), `""` pairs read as `"`.
    func string(_ f: CSVField) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[f.start..<f.end])
        guard f.hasDoubledQuotes else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            out.append(raw[k])
            k += raw[k] == 0x22 ? 2 : 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `f` without surrounding spaces and tabs (as a byte range; doubled quotes untouched).
    func trimmed(_ f: CSVField) -> CSVField {
        var s = f.start, e = f.end
        while s < e, bytes[s] == 0x20 || bytes[s] == 0x09 { s += 1 }
        while e > s, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09 { e -= 1 }
        return CSVField(start: s, end: e, hasDoubledQuotes: f.hasDoubledQuotes)
    }

    /// The bytes of `f` (quotes still doubled when `hasDoubledQuotes`).
    func raw(_ f: CSVField) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[f.start..<f.end]) }
}
