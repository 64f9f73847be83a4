import Foundation

/// Turns command-line paths into the list of capture files to read.
///
/// * A file argument is taken as given, whatever its name (the reader detects the format by
///   magic number, so `trace.bin` works).
/// * A directory is searched recursively; only names ending in `.pcap`, `.pcapng`, `.cap` or
///   one of those plus `.gz` (case-insensitive) are taken, so READMEs and TSVs beside captures
///   are ignored. Hidden files and folders (leading `.`) are skipped.
/// * Files from a directory are sorted by path (byte order), so output is deterministic.
public enum CaptureInputs {
    /// Extensions recognised when scanning directories.
    public static let extensions = ["pcap", "pcapng", "cap"]

    /// Why a path argument produced nothing.
    public enum InputError: Error, Hashable, Sendable, CustomStringConvertible {
        case notFound(String)
        public var description: String {
            switch self { case .notFound(let p): "\(p): no such file or directory" }
        }
    }

    /// True when `name` ends in a capture extension (optionally followed by `.gz`).
    public static func isCaptureFileName(_ name: String) -> Bool {
        var lower = name.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        guard let dot = lower.lastIndex(of: ".") else { return false }
        return extensions.contains(String(lower[lower.index(after: dot)...]))
    }

    /// Expands files and directories into capture file paths, in argument order, each
    /// directory's files sorted. Duplicates are kept once (first occurrence).
    /// - Throws: `InputError.notFound` for a path that does not exist.
    public static func expand(_ paths: [String]) throws -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                // A symlink loop or dangling link exists as a name but not as a file: hand it to
                // the reader, whose open(2) error says why (ELOOP "Too many levels of symbolic
                // links"), instead of a misleading "no such file".
                if (try? fm.destinationOfSymbolicLink(atPath: path)) != nil {
                    if seen.insert(path).inserted { result.append(path) }
                    continue
                }
                throw InputError.notFound(path)
            }
            if !isDirectory.boolValue {
                if seen.insert(path).inserted { result.append(path) }
                continue
            }
            var found: [String] = []
            let base = URL(fileURLWithPath: path)
            if let walker = fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey],
                                          options: [.skipsHiddenFiles]) {
                for case let url as URL in walker {
                    guard isCaptureFileName(url.lastPathComponent),
                          (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                    // Keep the caller's spelling of the directory in front of the relative part.
                    let relative = url.path.hasPrefix(base.path + "/") ? String(url.path.dropFirst(base.path.count + 1)) : url.lastPathComponent
                    found.append(path.hasSuffix("/") ? path + relative : path + "/" + relative)
                }
            }
            for f in found.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where seen.insert(f).inserted {
                result.append(f)
            }
        }
        return result
    }
}
