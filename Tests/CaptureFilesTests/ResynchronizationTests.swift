import CaptureCore
@testable import CaptureFiles
import Foundation
import Testing
import TestSupport

/// Resynchronisation after damage in the middle of a capture (issue 7): hand-built files with
/// the offsets computed below, then random damage on every public capture.
@Suite("capture readers: resynchronisation after damage")
struct ResynchronizationTests {
    /// Ten raw-IP records of 100 bytes, one second apart: record i starts at 24 + 116 i.
    static func tenRecords() -> [UInt8] {
        var w = PcapWriter(linkType: .raw)
        for i in 0..<10 {
            w.append(timestamp: Int64(1_700_000_000 + i) * 1_000_000_000,
                     packet: (0..<100).map { UInt8(truncatingIfNeeded: $0 * 7 + i) })
        }
        return w.bytes
    }

    /// 40 bytes of 0xff over record 4 (offset 24 + 4 * 116 = 488): its header claims caplen
    /// 0xffffffff (`bad_caplen` at 488). The scan resumes at record 5 (488 + 116 = 604), where
    /// records 5-8 chain; 604 - 488 = 116 bytes are skipped. Nine packets, bytes unchanged.
    @Test func pcapRecordOverwrittenByGarbage() {
        let clean = Self.tenRecords()
        var bytes = clean
        for i in 488..<528 { bytes[i] = 0xff }
        let (original, _) = readBytes(clean)
        let (got, report) = readBytes(bytes, path: "damaged.pcap")
        #expect(report.warnings.map(\.code) == ["bad_caplen", "resynchronized"])
        #expect(report.warnings.map(\.byteOffset) == [488, 604])
        #expect(report.warnings.last?.reason.contains("skipping 116 bytes of damaged data from offset 488") == true)
        #expect(got.map(\.fileOffset) == [24, 140, 256, 372, 604, 720, 836, 952, 1068])
        #expect(got == original.filter { $0.fileOffset != 488 })
        #expect(report.packetsRead == 9)
    }

    /// A garbage header that passes the caplen check: caplen 10 (plausible) but a timestamp
    /// years away and a fraction of 2 seconds. Its caplen points at 0xff bytes, so it is the
    /// fault (`implausible_record`) and is not delivered as a packet. File: header 24, three
    /// records (24, 140, 256), fake header at 372 + 10 data bytes + 30 bytes 0xff, then the
    /// remaining seven records from 372 + 56 = 428.
    @Test func garbageHeaderIsNotDeliveredAsAPacket() {
        let clean = Self.tenRecords()
        let fake = hex("ffffff7f 80841e00 0a000000 0a000000") + [UInt8](repeating: 0xee, count: 10)
            + [UInt8](repeating: 0xff, count: 30)
        let bytes = Array(clean[..<372]) + fake + Array(clean[372...])
        let (original, _) = readBytes(clean)
        let (got, report) = readBytes(bytes)
        #expect(report.warnings.map(\.code) == ["implausible_record", "resynchronized"])
        #expect(report.warnings.map(\.byteOffset) == [372, 428])
        #expect(got.map(\.bytes) == original.map(\.bytes))
        #expect(got.map(\.timestamp) == original.map(\.timestamp))
    }

    /// pcapng: SHB (28) + IDB (20) + ten EPBs of 44 bytes (32 + 12 data bytes), EPB i at
    /// 48 + 44 i. Overwriting EPB 3's trailing length (48 + 3 * 44 + 40 = 220) makes
    /// `block_length_mismatch` at EPB 3 (180); the chain resumes at EPB 4 (224): 44 bytes skipped.
    @Test func pcapngTrailingLengthDamaged() {
        var w = PcapngWriter()
        w.addInterface(linkType: .raw)
        for i in 0..<10 { w.appendEnhancedPacket(interface: 0, timestamp: Int64(i) * 1_000, packet: [UInt8](repeating: UInt8(i), count: 12)) }
        var bytes = w.bytes
        #expect(bytes.count == 48 + 440)
        bytes[220] = 0x99
        let (got, report) = readBytes(bytes, path: "damaged.pcapng")
        #expect(report.warnings.map(\.code) == ["block_length_mismatch", "resynchronized"])
        #expect(report.warnings.map(\.byteOffset) == [180, 224])
        #expect(got.map { Int($0.bytes[0]) } == [0, 1, 2, 4, 5, 6, 7, 8, 9])
    }

    /// 64 KiB of random bytes inserted between two records (offsets after it shift): every
    /// record is recovered, none invented, for pcap and pcapng.
    @Test(arguments: [CaptureFileFormat.pcap, .pcapng])
    func insertedRandomBlockLosesNothing(format: CaptureFileFormat) {
        var rng = SplitMix64(seed: 7)
        let packets: [[UInt8]] = (0..<400).map { i in (0..<(40 + i % 200)).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        var clean: [UInt8]
        if format == .pcap {
            var w = PcapWriter(linkType: .ethernet)
            for (i, p) in packets.enumerated() { w.append(timestamp: 1_700_000_000_000_000_000 + Int64(i) * 1_000_000, packet: p) }
            clean = w.bytes
        } else {
            var w = PcapngWriter()
            w.addInterface(linkType: .ethernet)
            for (i, p) in packets.enumerated() { w.appendEnhancedPacket(interface: 0, timestamp: 1_700_000_000_000_000_000 + Int64(i) * 1_000_000, packet: p) }
            clean = w.bytes
        }
        let (original, _) = readBytes(clean)
        let cut = original[200].fileOffset
        let junk = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let (got, report) = readBytes(Array(clean[..<cut]) + junk + Array(clean[cut...]))
        #expect(got.map(\.bytes) == original.map(\.bytes))
        #expect(got.map(\.timestamp) == original.map(\.timestamp))
        #expect(report.warnings.last?.code == "resynchronized")
        #expect(report.warnings.last?.byteOffset == cut + 65_536)
    }

    // MARK: - Random damage on every public capture

    /// Damage sizes and places for one file (seeded): a region in the middle half of the file,
    /// 1 byte to min(64 KiB, size / 8) long, overwritten with random bytes.
    struct Damage { var start: Int; var length: Int }

    /// Byte ranges of a clean file that are not packet records: the pcap file header, or every
    /// pcapng block other than EPB/SPB/OPB (section headers, interface descriptions, ...).
    /// Damage inside one of these can change what later packets mean (an interface's link type
    /// or timestamp resolution) without breaking any length, which no reader can notice.
    static func metadataRanges(_ bytes: [UInt8], format: CaptureFileFormat) -> [Range<Int>] {
        guard format == .pcapng else { return [0..<24] }
        var ranges: [Range<Int>] = [], offset = 0, big = false
        while offset + 12 <= bytes.count {
            func u32(_ at: Int) -> Int {
                let v = bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
                return big ? v : Int(UInt32(v).byteSwapped)
            }
            if bytes[offset..<(offset + 4)] == [0x0a, 0x0d, 0x0d, 0x0a] { big = bytes[offset + 8] == 0x1a }
            let type = u32(offset), length = u32(offset + 4)
            guard length >= 12, offset + length <= bytes.count else { break }
            if ![2, 3, 6].contains(type) { ranges.append(offset..<(offset + length)) }
            offset += length
        }
        return ranges
    }

    /// Every public capture that reads without warnings, damaged 8 times each at random offsets
    /// (random bytes over a random range in the middle half of the file):
    /// * zero false packets: a record delivered after the damage is the original record at that
    ///   offset (bytes, lengths, timestamp, link type, interface); one starting inside the damage
    ///   is an original record whose header's length fields survived, with its original bytes
    ///   (only its timestamp may be damaged in place);
    /// * at least 99 % of the records that start after the damage are recovered, over the trials
    ///   whose damage spared the metadata (file header, section and interface blocks). Damage to
    ///   an interface description loses that interface, so its packets cannot be attributed;
    ///   those trials are counted and printed apart, and only byte equality is required there.
    @Test func randomDamageOnEveryPublicCapture() throws {
        guard let dir = SharedData.path("captures/public") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
        #expect(names.count >= 60)
        var rng = SplitMix64(seed: 0x7e5_11c)
        var after = 0, recovered = 0, falsePackets = 0, trials = 0, filesUsed = 0
        var metadataTrials = 0, metadataAfter = 0, metadataRecovered = 0
        for name in names {
            let clean = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            let (original, cleanReport) = readBytes(clean, path: name)
            // Files with faults of their own (malformed_*) or too small to damage are left out.
            guard cleanReport.warnings.isEmpty, original.count >= 4, clean.count >= 256 else { continue }
            filesUsed += 1
            let metadata = Self.metadataRanges(clean, format: cleanReport.format)
            let byOffset = Dictionary(uniqueKeysWithValues: original.map { ($0.fileOffset, $0) })
            for _ in 0..<8 {
                let maxLength = max(1, min(65_536, clean.count / 8))
                let d = Damage(start: clean.count / 4 + Int.random(in: 0..<(clean.count / 2), using: &rng),
                               length: Int.random(in: 1...maxLength, using: &rng))
                let end = min(clean.count, d.start + d.length)
                var bytes = clean
                for i in d.start..<end { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
                trials += 1
                let touchesMetadata = metadata.contains { $0.overlaps(d.start..<end) }
                let (got, damagedReport) = readBytes(bytes, path: name)
                func sameContent(_ a: Got, _ b: Got) -> Bool {
                    a.bytes == b.bytes && a.capturedLength == b.capturedLength && a.originalLength == b.originalLength
                }
                for g in got {
                    guard let o = byOffset[g.fileOffset] else {
                        if g.fileOffset >= d.start {
                            falsePackets += 1
                            Issue.record("\(name): record at \(g.fileOffset) is no original record (damage \(d.start)..<\(end))")
                        }
                        continue
                    }
                    let whollyAfter = g.fileOffset >= end
                    let ok = whollyAfter && !touchesMetadata ? g == o : (g.fileOffset < d.start || sameContent(g, o))
                    if !ok && g.fileOffset >= d.start {
                        falsePackets += 1
                        Issue.record("\(name): record at \(g.fileOffset) differs from the original (damage \(d.start)..<\(end))")
                    }
                }
                let gotOffsets = Set(got.map(\.fileOffset))
                let expectedAfter = original.filter { $0.fileOffset >= end }
                let found = expectedAfter.filter { gotOffsets.contains($0.fileOffset) }.count
                if touchesMetadata {
                    metadataTrials += 1; metadataAfter += expectedAfter.count; metadataRecovered += found
                } else {
                    after += expectedAfter.count; recovered += found
                }
                if found < expectedAfter.count {
                    print("resync: \(name): damage \(d.start)..<\(end)\(touchesMetadata ? " (metadata)" : ""): \(found) of \(expectedAfter.count) records after it recovered; warnings: \(damagedReport.warnings.map { "\($0.byteOffset) \($0.code)" })")
                }
            }
        }
        let share = after == 0 ? 1 : Double(recovered) / Double(after)
        print("resync: \(filesUsed) files, \(trials) damaged copies: \(recovered) of \(after) records after the damage recovered (\(share * 100) %), \(falsePackets) false; damage touching metadata: \(metadataTrials) copies, \(metadataRecovered) of \(metadataAfter) recovered")
        #expect(filesUsed >= 45)
        #expect(falsePackets == 0)
        #expect(share >= 0.99)
    }

    /// FuzzResync crash-587ea942 (its own seed): pcapng_be_nsec_2if.pcapng with bytes 712..<776
    /// overwritten by SplitMix64(seed: 1). They fall inside the options of the second interface
    /// description (IDB at 616, 360 bytes): the block's lengths hold, so there is no fault and no
    /// resynchronisation, every packet is delivered at its offset with its bytes, and only what
    /// the options define for interface 1 (its timestamp unit) may differ. The harness expected
    /// identical records; it now compares only when the damage spares such metadata.
    @Test func damageInsideInterfaceOptionsKeepsEveryPacketsBytes() throws {
        guard let path = SharedData.path("captures/public/pcapng_be_nsec_2if.pcapng") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        let clean = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(clean.count == 1_424)
        var rng = SplitMix64(seed: 1)
        var bytes = clean
        for i in 712..<776 { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
        let (original, _) = readBytes(clean)
        let (got, report) = readBytes(bytes)
        #expect(got.map(\.fileOffset) == original.map(\.fileOffset))
        #expect(got.map(\.bytes) == original.map(\.bytes))
        #expect(!report.warnings.contains { $0.code == "resynchronized" })
        // Packets on interface 0 (described before the damage) are unchanged in every field.
        #expect(zip(got, original).allSatisfy { g, o in o.interfaceIndex != 0 || g == o })
    }

    /// The malformed corpus files keep their figures: their faults are at the end (or are not
    /// damage), so there is nothing to resynchronise on, and no `resynchronized` warning appears.
    @Test func faultsAtTheEndAreUnchanged() throws {
        guard let dir = SharedData.path("captures/public") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name.hasPrefix("malformed_pcap") {
            let report = try CaptureFileReader(path: dir + "/" + name).scan()
            #expect(!report.warnings.contains { $0.code == "resynchronized" }, "\(name): \(report.warnings)")
        }
    }
}
