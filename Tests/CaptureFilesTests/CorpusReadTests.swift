import CaptureCore
import CaptureFiles
import Foundation
import Testing
import TestSupport

/// One row of ../shared/captures/public/EXPECTED.tsv (only the file-level columns this module owns).
struct ExpectedRow {
    var file: String
    var format: String
    var byteOrder: String
    var tsResolution: String
    var interfaces: Int
    var totalPackets: Int
    var capinfosError: String

    static func load(_ path: String) throws -> [ExpectedRow] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        func col(_ name: String) -> Int { header.firstIndex(of: name)! }
        let (f, fm, bo, ts, ifs, tp, ce) = (col("file"), col("format"), col("byte_order"), col("ts_resolution"),
                                           col("interfaces"), col("total_packets"), col("capinfos_error"))
        return lines.map { r in
            ExpectedRow(file: r[f], format: r[fm], byteOrder: r[bo], tsResolution: r[ts],
                        interfaces: Int(r[ifs]) ?? -1, totalPackets: Int(r[tp]) ?? -1,
                        capinfosError: r.count > ce ? r[ce] : "")
        }
    }
}

/// Cells where this reader is right and capinfos (which produced the `interfaces` column)
/// counts differently. capinfos gave up on these files, so it printed no interface at all;
/// the reader did read the interface that the file defines before its fault.
let interfaceCountDeviations: [String: (expected: Int, ours: Int, reason: String)] = [
    "malformed_pcap_huge_record.pcap": (0, 1, "capinfos rejected the file; its pcap header defines 1 interface and record 1 is read"),
    "malformed_pcapng_bad_block.pcapng": (0, 1, "capinfos rejected the file at the second SHB (version 2.0); the first section's IDB and packet are read"),
    // A block walk (type/length of every block) finds IDBs at 0x68, 0x88 | 0x1c0 | 0x404, 0x424:
    // 2 + 1 + 2 = 5 across three sections. capinfos 4.0 prints 15 "Interface #" entries.
    "pcapng_le_multi_section.pcapng": (15, 5, "3 sections with 2, 1 and 2 IDBs; capinfos repeats interfaces across sections"),
    // IDBs at 0x68, 0xb4 | 0x41c | 0x984, 0x9d4: again 2 + 1 + 2 = 5.
    "pcapng_mixed_endian_sections.pcapng": (15, 5, "3 sections with 2, 1 and 2 IDBs; capinfos repeats interfaces across sections"),
]

/// The framing faults of the malformed corpus files, located by hand from hex dumps:
/// * major_version_1: header bytes 4-5 are `01 00` (version 1.4) -> rejected at offset 4.
/// * cut_short: version 2.0 so caplen/len are swapped: record 1 at 24 has caplen 197, ends at
///   24 + 16 + 197 = 237; the file is 239 bytes, so 2 bytes of a record header remain at 237.
/// * huge_record: record 1 at 24 has caplen 0xbc = 188, so record 2 starts at 24 + 16 + 188 =
///   228 and claims caplen 0x53fe6000 = 1_409_179_648 (tcpdump prints the same number).
/// * pcapng_bad_block: SHB (0x64) + IDB (0x20) + EPB (0x15c) = 480, where a second SHB says version 2.0.
/// * pcapng_invalid_version: the first SHB says version 0.1.
/// * pcapng_shb_option_too_long: the SHB's length is 0x34 = 52 but bytes 48-51 read `30303030`.
let malformedFaults: [String: (packets: Int, code: String, offset: Int)] = [
    "malformed_pcap_major_version_1.pcap": (0, "unsupported_version", 4),
    "malformed_pcap_cut_short.pcap": (1, "truncated_record_header", 237),
    "malformed_pcap_huge_record.pcap": (1, "bad_caplen", 228),
    "malformed_pcapng_bad_block.pcapng": (1, "unsupported_version", 480),
    "malformed_pcapng_invalid_version.pcapng": (0, "unsupported_version", 0),
    "malformed_pcapng_shb_option_too_long.pcapng": (0, "block_length_mismatch", 0),
]

@Suite("Public corpus: every capture reads as EXPECTED.tsv says")
struct CorpusReadTests {
    @Test func malformedFilesWarnAtTheFaultAndKeepPacketsBeforeIt() throws {
        guard let dir = SharedData.path("captures/public") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        for (file, fault) in malformedFaults.sorted(by: { $0.key < $1.key }) {
            let path = dir + "/" + file
            var offsets: [Int] = []
            let report = try CaptureFileReader(path: path).forEachPacket { offsets.append($0.fileOffset) }
            #expect(offsets.count == fault.packets, "\(file)")
            #expect(offsets.allSatisfy { $0 < fault.offset }, "\(file): packets come before the fault")
            #expect(report.warnings.map(\.code) == [fault.code], "\(file): \(report.warnings)")
            #expect(report.warnings.first?.byteOffset == fault.offset, "\(file)")
            #expect(report.warnings.first?.description.hasPrefix("\(path): offset \(fault.offset): ") == true)
        }
        // Every malformed_* file whose fault is in the file framing is listed above; the other
        // malformed_* files are well-framed captures of malformed packets (decoder territory).
        let framing = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasPrefix("malformed_pcap") }
        #expect(Set(framing) == Set(malformedFaults.keys))
    }

    /// Same file read as pcap bytes and gzip-compressed: identical records.
    @Test func gzipOfACorpusFileReadsTheSame() throws {
        guard let path = SharedData.path("captures/public/pcapng_mixed_endian_sections.pcapng") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        let plain = try CaptureFileReader(path: path)
        var a: [[UInt8]] = []
        let ra = plain.forEachPacket { a.append(Array($0.bytes)) }
        let raw = try #require(FileManager.default.contents(atPath: path))
        let gz = try #require(Gzip.compress(Array(raw)))
        var b: [[UInt8]] = []
        let rb = try CaptureFileReader(path: try temporaryFile(gz, name: "x.pcapng.gz")).forEachPacket { b.append(Array($0.bytes)) }
        #expect(a == b && a.count == 8 && ra.interfaces == rb.interfaces && rb.compressed)
    }

    @Test func allPublicCapturesMatchExpectedFileFacts() throws {
        guard let dir = SharedData.path("captures/public"), let tsv = SharedData.path("captures/public/EXPECTED.tsv") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        let rows = try ExpectedRow.load(tsv)
        #expect(rows.count == 77)
        for row in rows {
            let path = dir + "/" + row.file
            let reader = try CaptureFileReader(path: path)
            var delivered = 0
            var lastOffset = -1
            let report = reader.forEachPacket { record in
                delivered += 1
                // Records come in file order and carry exactly caplen bytes.
                #expect(record.fileOffset > lastOffset)
                #expect(record.bytes.count == record.capturedLength)
                lastOffset = record.fileOffset
            }
            #expect(report.format.rawValue == row.format, "\(row.file)")
            #expect(delivered == row.totalPackets, "\(row.file): packets")
            #expect(report.packetsRead == delivered, "\(row.file)")
            let orders = report.byteOrders.map(\.rawValue).joined(separator: "+")
            #expect(orders == row.byteOrder, "\(row.file): byte order")
            // EXPECTED: several resolutions joined with "|"; a file whose header declares none
            // (rejected before any IDB) is the format default, microseconds.
            var resolutions = report.timestampResolutions.map(\.description)
            if resolutions.isEmpty { resolutions = ["usec"] }
            #expect(resolutions.sorted().joined(separator: "|") == row.tsResolution, "\(row.file): ts resolution")
            if let dev = interfaceCountDeviations[row.file] {
                #expect(row.interfaces == dev.expected && report.interfaces.count == dev.ours, "\(row.file): \(dev.reason)")
            } else {
                #expect(report.interfaces.count == row.interfaces, "\(row.file): interfaces")
            }
            let malformedFraming = row.file.hasPrefix("malformed_pcap")
            if malformedFraming {
                #expect(!report.warnings.isEmpty, "\(row.file): a malformed file must warn")
                for w in report.warnings {
                    #expect(w.file == path && w.byteOffset >= 0 && !w.reason.isEmpty && !w.code.isEmpty)
                    #expect(w.description.contains(row.file) && w.description.contains("offset \(w.byteOffset)"))
                }
            } else {
                #expect(report.warnings.isEmpty, "\(row.file): unexpected warnings \(report.warnings)")
            }
        }
    }
}
