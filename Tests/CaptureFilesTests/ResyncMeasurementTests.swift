import CaptureCore
@testable import CaptureFiles
import Foundation
import Testing
import TestSupport

/// The resynchronisation goal measured on a large capture (issue 7): 64 KiB of random bytes in
/// the middle, overwritten and inserted, read through the file window as the CLI reads it. Runs
/// only when `NETCENSUS_RESYNC_FILE` names a capture (e.g. `gen_pcap -s 100M`): the figure goes
/// in BENCHMARKS.md, the suite stays fast.
@Suite("capture readers: resynchronisation measured on a large capture")
struct ResyncMeasurementTests {
    struct Seen: Hashable { var offset: Int; var timestamp: Int64; var caplen: Int; var hash: UInt64 }

    static func read(_ path: String) throws -> ([Seen], CaptureFileReport, Double) {
        var seen: [Seen] = []
        let start = Date()
        let report = try CaptureFileReader(path: path).forEachPacket { r in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in r.bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            seen.append(Seen(offset: r.fileOffset, timestamp: r.timestamp, caplen: r.capturedLength, hash: h))
        }
        return (seen, report, Date().timeIntervalSince(start))
    }

    @Test(arguments: ["overwrite", "insert"])
    func sixtyFourKilobytesInTheMiddle(mode: String) throws {
        guard let path = ProcessInfo.processInfo.environment["NETCENSUS_RESYNC_FILE"] else {
            print("SKIP: set NETCENSUS_RESYNC_FILE to a large capture to measure resynchronisation"); return
        }
        let clean = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let (original, cleanReport, _) = try Self.read(path)
        #expect(cleanReport.warnings.isEmpty)
        var rng = SplitMix64(seed: 64)
        let junk = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let at = clean.count / 2
        var damaged = clean
        if mode == "overwrite" { damaged.replaceSubrange(at..<(at + junk.count), with: junk) }
        else { damaged.insert(contentsOf: junk, at: at) }
        let damagedPath = SharedData.temporaryDirectory("resync-100m").appendingPathComponent("damaged.pcap").path
        try Data(damaged).write(to: URL(fileURLWithPath: damagedPath))
        damaged = []
        let (got, report, seconds) = try Self.read(damagedPath)
        // Where each original record is in the damaged file.
        let shift = mode == "insert" ? junk.count : 0
        let damageEnd = at + junk.count
        var expected: [Int: Seen] = [:]
        for s in original where s.offset >= at + (mode == "insert" ? 0 : junk.count) {
            var moved = s; moved.offset += shift; expected[moved.offset] = moved
        }
        let after = original.filter { $0.offset >= at + (mode == "insert" ? 0 : junk.count) }.count
        var recovered = 0, falsePackets = 0
        for g in got where g.offset >= damageEnd {
            if expected[g.offset] == g { recovered += 1 } else { falsePackets += 1 }
        }
        for g in got where g.offset >= at && g.offset < damageEnd { falsePackets += 1 }
        let before = got.filter { $0.offset < at }.count
        print("resync 64 KiB \(mode) at \(at) of \(clean.count) bytes: \(original.count) packets; \(before) before the damage; "
              + "\(recovered) of \(after) after it recovered (\(Double(recovered) / Double(max(after, 1)) * 100) %), "
              + "\(falsePackets) false; read in \(seconds) s (debug); warnings \(report.warnings.map { "\($0.byteOffset) \($0.code)" })")
        #expect(falsePackets == 0)
        #expect(Double(recovered) >= 0.99 * Double(after))
    }
}
