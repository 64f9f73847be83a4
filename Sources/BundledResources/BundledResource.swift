import Foundation

/// Finds a file shipped in a SwiftPM resource bundle without building `Bundle.main` first.
///
/// Why not `Bundle.module` alone: on Linux, Foundation builds `Bundle.main` (which SwiftPM's
/// generated accessor reads) by listing the executable's directory. Run from a directory of many
/// entries that costs more than the work: `netcensus topology targets` took 60 ms from /tmp
/// (13,879 entries) against 30 ms from a directory of its own (2026-12-06), and /usr/local/bin or
/// /usr/bin can be as large. The accessor's first place is the `<Package>_<Target>.resources`
/// directory beside the executable; this looks there directly (one `readlink` of
/// `/proc/self/exe` and one `stat`) and leaves every other case to `Bundle.module`.
public enum BundledResource {
    /// The path of `relativePath` (e.g. `"Resources/cdn-rules.json"`) inside the resource bundle
    /// named `bundle` (e.g. `"NetCensus_CDNAttribution"`) beside the running executable, when
    /// that file exists; nil otherwise (other platforms, or the bundle is not beside the
    /// executable), and the caller asks `Bundle.module`. Never throws.
    public static func besideExecutable(bundle: String, _ relativePath: String) -> String? {
        #if os(Linux)
        guard let directory = executableDirectory else { return nil }
        let path = directory + "/" + bundle + ".resources/" + relativePath
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return path
        #else
        return nil
        #endif
    }

    /// The directory of the running executable (`/proc/self/exe` resolved), read once.
    static let executableDirectory: String? = {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
        #else
        return nil
        #endif
    }()
}
