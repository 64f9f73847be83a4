#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns command-line paths into the list of capture files to read, and names every entry that
/// will not be read, so a total over a directory never undercounts silently.
///
/// * A file argument is taken as given, whatever its name (the reader detects the format by
///   magic number, so `trace.bin` works).
/// * A directory is searched recursively; only names ending in `.pcap`, `.pcapng`, `.cap` or
///   one of those plus `.gz` (case-insensitive) are taken, so READMEs and TSVs beside captures
///   are ignored. Hidden files and folders (leading `.`) are skipped by design.
/// * Symbolic links inside a directory are followed, to files and to directories. Each file
///   and directory is identified by (device, inode): a directory reached again (a symlink loop
///   such as `cycle -> .`, or a second link to it) is not walked twice, and a file reached by a
///   second path is read once; both are reported.
/// * Reported as not read (`Input.problem`): a directory that cannot be listed (permission),
///   a symlink that cannot be followed (dangling, ELOOP, permission), a capture-named entry that
///   is not a regular file (FIFO, socket, device), a duplicate of a file or directory already
///   taken. A missing argument is reported too ("no such file or directory").
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

    /// One input: a file to read (`problem == nil`) or an entry that will not be read and why.
    public struct Input: Hashable, Sendable {
        public var path: String
        /// nil for a file to read; else the reason it is not read (no path in it).
        public var problem: String?

        public init(path: String, problem: String? = nil) {
            self.path = path
            self.problem = problem
        }
    }

    /// What a list of arguments expands to.
    public struct Expansion: Hashable, Sendable {
        /// In argument order; a directory's entries sorted by path.
        public var inputs: [Input] = []
        /// Directory arguments in which no capture file was found.
        public var emptyDirectories: [String] = []

        /// The files to read.
        public var files: [String] { inputs.compactMap { $0.problem == nil ? $0.path : nil } }
        /// The entries not read, with their reasons.
        public var notRead: [Input] { inputs.filter { $0.problem != nil } }
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
        let e = scan(paths)
        if let missing = e.inputs.first(where: { $0.problem == missingReason }) { throw InputError.notFound(missing.path) }
        return e.files
    }

    static let missingReason = "no such file or directory"

    /// (device, inode): what makes two paths the same file.
    private struct FileID: Hashable { var device: UInt64; var inode: UInt64 }

    private static func id(_ st: stat) -> FileID { FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)) }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Expands every argument, never throwing: a missing path is an input with a problem.
    public static func scan(_ paths: [String]) -> Expansion {
        var result = Expansion()
        var seenPaths = Set<String>()
        var seenFiles: [FileID: String] = [:]
        var seenDirectories: [FileID: String] = [:]
        func add(_ input: Input) {
            if seenPaths.insert(input.path).inserted { result.inputs.append(input) }
        }
        for path in paths {
            var st = stat()
            guard stat(path, &st) == 0 else {
                let reason = errnoText()
                var lst = stat()
                if lstat(path, &lst) == 0 {
                    // A symlink loop or dangling link exists as a name but not as a file: hand it
                    // to the reader, whose open(2) error says why (ELOOP "Too many levels of
                    // symbolic links"), instead of a misleading "no such file".
                    add(Input(path: path))
                } else if errno == ENOENT || errno == ENOTDIR {
                    add(Input(path: path, problem: missingReason))
                } else {
                    add(Input(path: path, problem: reason))
                }
                continue
            }
            if (st.st_mode & S_IFMT) != S_IFDIR {
                let fid = id(st)
                if let first = seenFiles[fid], first != path {
                    add(Input(path: path, problem: "same file as \(first), read once"))
                } else {
                    seenFiles[fid] = path
                    add(Input(path: path))
                }
                continue
            }
            // Walk the directory; collect (path, file id) and problems, then sort.
            var found: [(path: String, id: FileID)] = []
            var problems: [Input] = []
            if let first = seenDirectories[id(st)] {
                if first != path { add(Input(path: path, problem: "directory already scanned as \(first)")) }
                continue
            }
            seenDirectories[id(st)] = path
            walk(directory: path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path,
                 found: &found, problems: &problems, seenDirectories: &seenDirectories)
            found.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            problems.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            var taken = 0
            for f in found {
                if let first = seenFiles[f.id], first != f.path {
                    problems.append(Input(path: f.path, problem: "same file as \(first), read once"))
                    continue
                }
                seenFiles[f.id] = f.path
                add(Input(path: f.path))
                taken += 1
            }
            for p in problems { add(p) }
            if taken == 0 { result.emptyDirectories.append(path) }
        }
        return result
    }

    /// Recursive walk below `directory` (spelled as the caller gave it, without trailing `/`).
    /// Depth is bounded by the (device, inode) set: no directory is entered twice.
    private static func walk(directory: String, found: inout [(path: String, id: FileID)], problems: inout [Input],
                             seenDirectories: inout [FileID: String]) {
        guard let dir = opendir(directory) else {
            problems.append(Input(path: directory, problem: "cannot read directory: \(errnoText())"))
            return
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(dir)
        for name in names {
            let full = directory == "/" ? "/" + name : directory + "/" + name
            var lst = stat()
            guard lstat(full, &lst) == 0 else {
                problems.append(Input(path: full, problem: errnoText()))
                continue
            }
            var st = lst
            let isLink = (lst.st_mode & S_IFMT) == S_IFLNK
            if isLink {
                guard stat(full, &st) == 0 else {
                    problems.append(Input(path: full, problem: "symbolic link cannot be followed: \(errnoText())"))
                    continue
                }
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                if let first = seenDirectories[id(st)] {
                    problems.append(Input(path: full, problem: "directory already scanned as \(first) (symlink loop or second link)"))
                    continue
                }
                seenDirectories[id(st)] = full
                walk(directory: full, found: &found, problems: &problems, seenDirectories: &seenDirectories)
            case S_IFREG:
                if isCaptureFileName(name) { found.append((full, id(st))) }
            default:
                if isCaptureFileName(name) { problems.append(Input(path: full, problem: "not a regular file")) }
            }
        }
    }
}
