#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaptureCore

/// Helpers shared by the fuzz targets. Nothing here runs in the library; it only shapes inputs.
public enum FuzzSupport {
    /// Link types the decoder knows, plus one unknown value; the decoder target picks one with
    /// the input's first byte (`linkTypes[byte % count]`), so the fuzzer can steer it.
    public static let linkTypes: [LinkType] = [
        .ethernet, .raw, .ipv4, .ipv6, .null, .loop, .linuxSLL, .linuxSLL2, .ppp, .pppHDLC, .unknown(147),
    ]

    /// The link-type selector byte for `linkType` (inverse of `linkType(selector:)`), used by
    /// `FuzzSeeds` to write decoder seeds.
    public static func selector(for linkType: LinkType) -> UInt8? {
        linkTypes.firstIndex(of: linkType).map { UInt8($0) }
    }

    public static func linkType(selector: UInt8) -> LinkType {
        linkTypes[Int(selector) % linkTypes.count]
    }

    /// Aborts (a libFuzzer crash with the input saved) when an invariant of the library fails.
    /// `precondition` would do, but this prints the reason even in builds that strip messages.
    public static func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if !condition() {
            printError("FUZZ INVARIANT FAILED: \(message())")
            abort()
        }
    }

    /// Writes one line to stderr (fd 2; the C `stderr` global is not concurrency-safe in Swift 6).
    public static func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// Writes `bytes` to a per-process file under /dev/shm (or /tmp) named `name` and returns its
    /// path: the GeoJSON/CSV importers and the file and gzip paths of `CaptureFileReader` only take paths.
    public static func writeTemporary(_ bytes: UnsafeRawBufferPointer, name: String) -> String {
        let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(dir)/netcensus-fuzz-\(getpid())-\(name)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { printError("cannot write \(path)"); abort() }
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress!.advanced(by: done), bytes.count - done)
            if n <= 0 { break }
            done += n
        }
        close(fd)
        return path
    }
}

import TopologyCoverage

extension FuzzSupport {
    /// What every importer must guarantee (Topology+Graph.swift's precondition): link ends index
    /// the node list. Then the topology is scored as `netcensus topology score` would, so hostile
    /// numbers (NaN, infinities, negative households) reach the graph and coverage code too.
    public static func exercise(_ t: Topology, file: String) {
        for (j, l) in t.links.enumerated() {
            check(l.a >= 0 && l.a < t.nodes.count && l.b >= 0 && l.b < t.nodes.count,
                  "\(file): link \(j) (\(l.a)-\(l.b)) points outside \(t.nodes.count) nodes")
        }
        // Keep scoring cheap: the fuzzer is after parser faults, not big graphs.
        guard t.nodes.count <= 2_000, t.links.count <= 8_000 else { return }
        _ = CoverageScorer.score(t)
    }
}
