import Testing
import CaptureCore
@testable import LiveCapture

/// The program lookup is indexed (issue 7, defect 3): one filter over packets of many link
/// types, interleaved, must answer exactly as a fresh filter per link type does.
@Suite struct BPFFilterIndexTests {
    /// 300 distinct link types (the ones libpcap knows reject or accept `ip`; unknown ones never
    /// match), visited in a scrambled order 3 times over, plus Ethernet and raw IP frames that
    /// do match: each answer equals that of a filter that only ever saw that link type.
    @Test func manyLinkTypesInterleavedAnswerAsFreshFilters() throws {
        let shared = try BPFFilter("ip")
        let frame = ethernet(0x0800, ipv4UDP(sport: 1, dport: 53))
        let raw = ipv4UDP(sport: 1, dport: 53)
        var expected: [UInt16: Bool] = [:]
        var mismatches = 0, matches = 0
        for round in 0..<3 {
            for k in 0..<300 {
                let value = UInt16((k * 7919 + round) % 300)
                let lt = LinkType(rawValue: value)
                let bytes = lt == .raw ? raw : frame
                let answer = withRecord(bytes, linkType: lt) { shared.matches($0) }
                let fresh: Bool
                if let known = expected[value] { fresh = known } else {
                    let single = try BPFFilter("ip")
                    fresh = withRecord(bytes, linkType: lt) { single.matches($0) }
                }
                expected[value] = fresh
                if answer != fresh { mismatches += 1 }
                if answer { matches += 1 }
            }
        }
        #expect(mismatches == 0)
        // Ethernet (1) and the raw-IP aliases (12, 14, 101) match an IPv4 frame, 3 rounds each.
        #expect(matches >= 3 * 4)
        #expect(shared.error(for: .ethernet) == nil)
    }
}
