import Testing
import PacketDecoding
@testable import TrafficAnalysis

@Suite struct FlowTableTests {
    @Test func bothDirectionsAreOneFlow() {
        let a = v4(192, 0, 2, 1), b = v4(198, 51, 100, 2)
        let ab = FlowKey(source: a, sourcePort: 51000, destination: b, destinationPort: 443, transportProtocol: 6)
        let ba = FlowKey(source: b, sourcePort: 443, destination: a, destinationPort: 51000, transportProtocol: 6)
        #expect(ab == ba)
        #expect(ab.tableHash == ba.tableHash)
        #expect(ab.addressA == a && ab.aPort == 51000 && ab.addressB == b && ab.bPort == 443)
        // Same addresses, different port or protocol: different flows.
        #expect(ab != FlowKey(source: a, sourcePort: 51001, destination: b, destinationPort: 443, transportProtocol: 6))
        #expect(ab != FlowKey(source: a, sourcePort: 51000, destination: b, destinationPort: 443, transportProtocol: 17))
        // Same address both ends: canonical order falls to the ports.
        let self1 = FlowKey(source: a, sourcePort: 2, destination: a, destinationPort: 1, transportProtocol: 17)
        #expect(self1.aPort == 1 && self1.bPort == 2)
    }

    @Test func tableCountsPacketsAndBytesAndGrows() {
        var t = FlowTable(capacity: 16)
        // 5000 flows, each seen twice (once per direction) with 100 and 60 bytes: the table must
        // grow from 16 slots and keep every counter.
        for i in 0..<5000 {
            let c = v6([0x2001, 0xdb8, 0, 0, 0, 0, UInt16(i >> 16), UInt16(i & 0xffff)])
            let s = v6([0x2a00, 0x1450, 0, 0, 0, 0, 0, 1])
            let new1 = t.add(FlowKey(source: c, sourcePort: UInt16(1024 + i % 1000), destination: s, destinationPort: 443, transportProtocol: 6), bytes: 100)
            let new2 = t.add(FlowKey(source: s, sourcePort: 443, destination: c, destinationPort: UInt16(1024 + i % 1000), transportProtocol: 6), bytes: 60)
            #expect(new1 && !new2)
        }
        #expect(t.count == 5000)
        var packets: UInt64 = 0, bytes: UInt64 = 0, n = 0
        t.forEach { _, c in packets += c.packets; bytes += c.bytes; n += 1 }
        #expect(n == 5000 && packets == 10000 && bytes == 5000 * 160)
        let k = FlowKey(source: v6([0x2a00, 0x1450, 0, 0, 0, 0, 0, 1]), sourcePort: 443,
                        destination: v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 7]), destinationPort: 1031, transportProtocol: 6)
        #expect(t.counters(for: k) == TrafficCounters(packets: 2, bytes: 160))
        t.removeAll()
        #expect(t.count == 0 && t.counters(for: k) == nil)
    }

    @Test func hostTableKeepsRoles() {
        var h = HostTable(capacity: 16)
        for i in 0..<300 { h.add(v4(10, 0, UInt8(i >> 8), UInt8(i & 0xff)), role: .anyLayer) }
        h.add(v4(10, 0, 0, 5), role: .innermost, bytes: 80)
        h.add(v4(10, 0, 0, 5), role: .innermost, bytes: 40)
        #expect(h.count == 300)
        let e = h.entry(for: v4(10, 0, 0, 5))
        #expect(e?.roles == [.anyLayer, .innermost])
        #expect(e?.counters == TrafficCounters(packets: 2, bytes: 120))
        #expect(h.entry(for: v4(10, 0, 0, 6))?.roles == [.anyLayer])
        #expect(h.entry(for: v4(10, 9, 9, 9)) == nil)
        // IPv4 0.0.0.1 and IPv6 ::1 share bits but are different keys.
        h.add(IPAddress(v4: 1), role: .anyLayer)
        h.add(IPAddress(v6High: 0, low: 1), role: .anyLayer)
        #expect(h.count == 302)
    }
}
