import CaptureCore
@testable import CaptureFiles
import Testing
import TestSupport

/// A pcapng with 65,536 interfaces of distinct link types (issue 7, defect 3: every per-packet
/// or per-interface lookup must be indexed). Correctness only; the timing is in BENCHMARKS.md.
@Suite("capture readers: 65,536 interfaces")
struct ManyInterfacesTests {
    static let count = 65_536

    /// IDB i has link type i; then one EPB per interface, in reverse order, whose two data bytes
    /// spell i. Every record must carry its own interface's link type and index.
    @Test func everyPacketGetsItsInterfacesLinkType() {
        var w = PcapngWriter()
        for i in 0..<Self.count { w.addInterface(linkType: LinkType(rawValue: UInt16(i))) }
        for i in (0..<Self.count).reversed() {
            w.appendEnhancedPacket(interface: i, timestamp: Int64(i), packet: [UInt8(i & 0xff), UInt8(i >> 8)])
        }
        var checked = 0, wrong = 0
        let report: CaptureFileReport = w.bytes.withUnsafeBytes { raw in
            PcapngReader(path: "many.pcapng", bytes: raw).read { r in
                let i = Int(r.bytes[0]) | Int(r.bytes[1]) << 8
                if r.interfaceIndex != i || r.linkType != LinkType(rawValue: UInt16(i)) { wrong += 1 }
                checked += 1
            }
        }
        #expect(checked == Self.count && wrong == 0)
        #expect(report.warnings.isEmpty)
        #expect(report.interfaces.count == Self.count)
        // LINKTYPE 12 and 14 are aliases of 101 (raw IP), so 65,534 distinct link types, in
        // order of first appearance.
        let distinct = report.linkTypes
        #expect(distinct.count == Self.count - 2)
        #expect(distinct.prefix(12).map(\.rawValue) == Array(0..<12).map { UInt16($0) == 12 ? 101 : UInt16($0) })
        #expect(distinct.last?.rawValue == 65_535)
    }
}
