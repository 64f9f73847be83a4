#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one write(2) loop of the project: every byte the CLI prints (`StandardOutput`,
/// `StandardError`, `TopologyOutput`), the report's files, and the capture writers.
///
/// Writes all of `bytes` to file descriptor `fd`, retrying short writes and EINTR. A write(2)
/// that returns 0 for a non-empty buffer makes no progress and is reported as EIO, so a stuck
/// descriptor never spins.
/// - Returns: nil when everything was written, else the errno of the failing write.
public func writeFully(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
    guard let base = bytes.baseAddress else { return nil }
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, base + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        if n == 0 { return EIO }
        offset += n
    }
    return nil
}
