#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The bytes of one topology input file, read-only and mapped, valid while the value lives.
///
/// Every importer opens its files here, so every format refuses the same things the same way:
/// - a FIFO, socket, device or directory named as a file is refused (`kind: .cannotOpen`, so the
///   CLI exits 66) without blocking: `open` uses `O_NONBLOCK`, which keeps `open(2)` of a FIFO
///   from waiting for a writer (a hang), and `fstat` then sees it is not a regular file;
/// - a missing or unreadable file is `.cannotOpen` with the system's reason (`strerror`).
///
/// Regular files are mapped `PROT_READ, MAP_PRIVATE` and advised `MADV_SEQUENTIAL`; an empty
/// file gets an empty buffer (mmap of length 0 is an error, so it is never attempted).
final class InputFile: @unchecked Sendable {
    let path: String
    let bytes: UnsafeRawBufferPointer
    private let mapping: (UnsafeMutableRawPointer, Int)?

    /// - Throws: `TopologyImportError` (location "byte 0", kind `.cannotOpen`).
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw InputFile.cannotOpen(path, InputFile.errnoText()) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw InputFile.cannotOpen(path, InputFile.errnoText()) }
        try InputFile.requireRegular(st.st_mode, path)
        let size = Int(st.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0); mapping = nil; return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw InputFile.cannotOpen(path, "mmap: " + InputFile.errnoText())
        }
        _ = madvise(base, size, Int32(MADV_SEQUENTIAL))
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        mapping = (base, size)
    }

    deinit { if let (p, n) = mapping { munmap(p, n) } }

    /// A copy of the whole file, for importers of small formats that parse from `Data`.
    /// - Throws: what `init(path:)` throws.
    static func data(_ path: String) throws -> Data {
        let f = try InputFile(path: path)
        return Data(f.bytes)
    }

    /// Refuses `path` unless `stat` says it is a regular file or a directory (for importers of
    /// folder layouts), without opening it.
    /// - Throws: `TopologyImportError` `.cannotOpen` naming the kind of file found.
    static func requireRegularOrDirectory(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { throw cannotOpen(path, errnoText()) }
        if (st.st_mode & S_IFMT) == S_IFDIR { return }
        try requireRegular(st.st_mode, path)
    }

    private static func requireRegular(_ mode: mode_t, _ path: String) throws {
        let kind: String
        switch mode & S_IFMT {
        case S_IFREG: return
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        case S_IFDIR: kind = "a directory"
        default: kind = "not a regular file"
        }
        throw cannotOpen(path, "not a regular file: \(kind); topology inputs are read from regular files only")
    }

    private static func cannotOpen(_ path: String, _ reason: String) -> TopologyImportError {
        TopologyImportError(file: path, location: "byte 0", reason: reason, kind: .cannotOpen)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
