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

@Suite("Public corpus: every capture reads as EXPECTED.tsv says")
struct CorpusReadTests {
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
