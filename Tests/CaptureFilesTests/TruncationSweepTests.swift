import CaptureCore
@testable import CaptureFiles
import Testing

/// Every prefix of a small file reads without a crash or hang; the packets delivered are
/// exactly the records wholly inside the prefix, and a prefix that ends anywhere but on a
/// record/block boundary gives a warning.
@Suite("Truncation sweep over every prefix")
struct TruncationSweepTests {
    @Test func everyPrefixOfAPcapFile() {
        var w = PcapWriter(linkType: .ethernet)
        let sizes = [14, 1, 60]
        for (i, n) in sizes.enumerated() { w.append(timestamp: Int64(i) * 1_000, packet: [UInt8](repeating: UInt8(i), count: n)) }
        // Boundaries: header end 24, then + (16 + size) per record: 54, 71, 147.
        let ends = [54, 71, 147]
        #expect(w.bytes.count == 147)
        for n in 0...w.bytes.count {
            let (got, report) = readBytes(Array(w.bytes.prefix(n)))
            let whole = ends.filter { $0 <= n }.count
            #expect(got.count == whole, "prefix \(n)")
            let onBoundary = n == 24 || ends.contains(n)
            #expect(report.warnings.isEmpty == onBoundary, "prefix \(n): \(report.warnings)")
            #expect(report.warnings.count <= 1)
            if let w = report.warnings.first { #expect(w.byteOffset <= n) }
        }
    }

    @Test func everyPrefixOfAPcapngFile() {
        var w = PcapngWriter(byteOrder: .big)
        var ends: [Int] = []
        ends.append(w.bytes.count)                       // SHB
        w.addInterface(linkType: .ethernet, tsresol: 9); ends.append(w.bytes.count)
        w.appendEnhancedPacket(interface: 0, timestamp: 1, packet: [1, 2, 3, 4, 5]); ends.append(w.bytes.count)
        w.appendInterfaceStatistics(interface: 0, timestamp: 2, received: 1); ends.append(w.bytes.count)
        w.appendSimplePacket(packet: [6]); ends.append(w.bytes.count)
        w.startSection(byteOrder: .little); ends.append(w.bytes.count)
        w.addInterface(linkType: .raw); ends.append(w.bytes.count)
        w.appendEnhancedPacket(interface: 0, timestamp: 3, packet: [7, 8]); ends.append(w.bytes.count)
        let packetEnds = [ends[2], ends[4], ends[7]]
        for n in 0...w.bytes.count {
            let (got, report) = readBytes(Array(w.bytes.prefix(n)), format: .pcapng)
            #expect(got.count == packetEnds.filter { $0 <= n }.count, "prefix \(n)")
            let onBoundary = n == 0 || ends.contains(n)
            #expect(report.warnings.isEmpty == onBoundary, "prefix \(n): \(report.warnings)")
            #expect(report.warnings.count <= 1)
        }
    }

    @Test func everySingleByteCorruptionOfAPcapngFileTerminates() {
        // Not a fuzzer, but every byte replaced by 0x00 and 0xff: reading must end with a
        // bounded number of records and warnings.
        var w = PcapngWriter()
        w.addInterface(linkType: .ethernet)
        w.appendEnhancedPacket(interface: 0, timestamp: 1, packet: [1, 2, 3])
        w.appendSimplePacket(packet: [4])
        for i in w.bytes.indices {
            for v: UInt8 in [0x00, 0xff] {
                var b = w.bytes
                b[i] = v
                let (got, report) = readBytes(b, format: .pcapng)
                #expect(got.count <= 2 && report.warnings.count <= PcapngReader.maximumWarnings)
            }
        }
    }
}
