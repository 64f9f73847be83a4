import Testing
import CaptureSamples
import PacketDecoding
import CaptureJobs
import TrafficAnalysis
@testable import CDNReachability

/// A connection is named by the A/AAAA answer for its server address that was current at its
/// first packet (docs/cdn.md "Attribution"), not by the answer that is newest when its record
/// arrives: records finish at times that depend on the connection table's random seed (idle
/// sweep by slot), so the old join gave different figures from run to run on one file. Here
/// every connection's record arrives at the end of the capture, after every answer, so the old
/// join named all of them by the last answers (S: api.brokencdn.example, T: three.plain.example).
@Suite struct CDNDNSJoinTests {
    typealias C = CDNCraftedCaptureTests

    static func write() throws -> String {
        var w = C.Writer()
        let s = C.a("198.51.100.50"), t = C.a("198.51.100.60")
        // 1 ms: a connection to S before any answer for it: no DNS name.
        w.connection(start: 1, C.client4, s, synAck: 1, ack: 2)
        // 10 ms: S answered for www.first.example (CNAME under ExampleCDN's suffix).
        w.udp(8, C.client4, C.resolver4, 40001, 53, PacketBuilder.dnsQuery(id: 1, name: "www.first.example", type: 1))
        w.udp(10, C.resolver4, C.client4, 53, 40001, C.cnameResponse(id: 1, name: "www.first.example",
                                                                      target: "first.examplecdn.net", type: 1, address: s))
        // T answered three times with three names; its connection starts after the first.
        w.udp(11, C.client4, C.resolver4, 40002, 53, PacketBuilder.dnsQuery(id: 2, name: "one.v4only.example", type: 1))
        w.udp(12, C.resolver4, C.client4, 53, 40002, PacketBuilder.dnsResponse(id: 2, name: "one.v4only.example", type: 1, answers: [t]))
        // 100 ms: connections to S and T (no ClientHello: named by DNS only).
        w.connection(start: 100, C.client4, s, synAck: 5, ack: 6)
        w.connection(start: 110, C.client4, t, synAck: 5, ack: 6)
        // 200 ms: S re-mapped to api.brokencdn.example while the 100 ms connection is open.
        w.udp(198, C.client4, C.resolver4, 40003, 53, PacketBuilder.dnsQuery(id: 3, name: "api.brokencdn.example", type: 1))
        w.udp(200, C.resolver4, C.client4, 53, 40003, PacketBuilder.dnsResponse(id: 3, name: "api.brokencdn.example", type: 1, answers: [s]))
        // T re-mapped twice while its connection is open.
        w.udp(201, C.client4, C.resolver4, 40004, 53, PacketBuilder.dnsQuery(id: 4, name: "two.brokencdn.example", type: 1))
        w.udp(202, C.resolver4, C.client4, 53, 40004, PacketBuilder.dnsResponse(id: 4, name: "two.brokencdn.example", type: 1, answers: [t]))
        w.udp(203, C.client4, C.resolver4, 40005, 53, PacketBuilder.dnsQuery(id: 5, name: "three.plain.example", type: 1))
        w.udp(204, C.resolver4, C.client4, 53, 40005, PacketBuilder.dnsResponse(id: 5, name: "three.plain.example", type: 1, answers: [t]))
        // 300 ms: a connection to S after the re-mapping: the new name.
        w.connection(start: 300, C.client4, s, synAck: 5, ack: 6)
        let path = C.path("cdn-dns-join.pcap")
        try w.w.write(to: path)
        return path
    }

    @Test func connectionIsNamedByTheAnswerCurrentAtItsFirstPacket() throws {
        let s = try C.analyse(try Self.write())
        #expect(s.connections == 4)
        let first = try #require(s.names["www.first.example"], "\(s.names.keys.sorted())")
        #expect(first.ipv4.attempts == 1 && first.provider == "ExampleCDN")
        let broken = try #require(s.names["api.brokencdn.example"])
        #expect(broken.ipv4.attempts == 1 && broken.provider == "BrokenCDN")
        // T's connection keeps the answer of its start although T was re-mapped twice since.
        let one = try #require(s.names["one.v4only.example"])
        #expect(one.ipv4.attempts == 1 && one.provider == "V4CDN")
        #expect(s.names["two.brokencdn.example"]?.ipv4.attempts ?? 0 == 0)
        #expect(s.names["three.plain.example"] == nil)
        #expect(s.providers["ExampleCDN"]?.ipv4.attempts == 1)
        #expect(s.providers["BrokenCDN"]?.ipv4.attempts == 1)
        #expect(s.providers["V4CDN"]?.ipv4.attempts == 1)
        // The 1 ms connection had no answer at its start: neither named nor attributed.
        #expect(s.attributedBy[.dnsChain] == 1 && s.attributedBy[.name] == 2 && s.unattributed == 1)
        #expect(s.namedBy[.dnsAnswer] == 3 && s.unnamed == 1)
        #expect(s.connectionAnswerEvictions == 0 && s.pendingAnswersDropped == 0)
    }

    static func answer(_ n: String) -> CDNAddressNames.Answer { .init(name: n, provider: -1, nameProvider: -1) }

    /// The answers a connection holds from its start are values: a later answer for the address
    /// is a new entry and does not change them; the last reference frees an entry (its id is
    /// reused). (Before issue 9's cost cut these were copies in a second per-flow table.)
    @Test func notedAnswersDoNotFollowTheMap() {
        var map = CDNAddressNames(maxEntries: 4)
        var answers = CDNAnswerTable()
        let client = IPAddress(v4: 0xc000_0201), server = IPAddress(v4: 0xc633_6432)
        let key = FlowKey(source: client, sourcePort: 40000, destination: server, destinationPort: 443, transportProtocol: 6)
        let old = answers.insert(Self.answer("old.example"))
        map.set(server, .init(answer: old, time: 10), answers: &answers)
        // The connection's first packet: what the map holds for both ends, one reference each.
        let held = (map.lookup(key.addressA), map.lookup(key.addressB))
        #expect(held.0 == 0 && held.1 == old)  // endpoint A is the client (192.0.2.1 < 198.51.100.50)
        answers.retain(held.1)
        let new = answers.insert(Self.answer("new.example"))
        map.set(server, .init(answer: new, time: 30), answers: &answers)
        #expect(new != old && map.lookup(server) == new && answers.count == 2)
        #expect(answers.name(held.1) == "old.example" && answers[held.1].references == 1)
        answers.release(held.1)  // the connection's record was joined
        #expect(answers.count == 1)
        #expect(answers.insert(Self.answer("third.example")) == old)  // the freed id is reused
    }

    /// Over the cap a connection that starts gets no answers, counted; the others keep theirs.
    /// (Before, the earliest-started of 8 sampled lost its answers: that needed a table of the
    /// connections holding answers, which is gone.) Every reference is let go at the records.
    @Test func connectionAnswersAreBoundedAndEvictionsCounted() throws {
        var options = CDNAnalyzerOptions()
        options.maxConnectionAnswers = 1
        var cdn = CDNAnalyzer(matcher: try C.matcher(), options: options)
        _ = CaptureFileJob.run(path: try Self.write(), extension: &cdn)
        // Every record arrives at the end: the 100 ms connection to S holds the one place, the
        // 110 ms (T) and 300 ms (S) connections find the cap reached.
        #expect(cdn.connectionsWithAnswers == 0)
        #expect(cdn.answers.count == cdn.addressNames.table.count)
        let s = cdn.finish()
        #expect(s.connectionAnswerEvictions == 2)
        #expect(s.names["www.first.example"]?.ipv4.attempts == 1)
        #expect(s.names["one.v4only.example"]?.ipv4.attempts ?? 0 == 0)
        #expect(s.attributedBy[.dnsChain] == 1 && s.attributedBy[.name] == nil && s.unattributed == 3)
        #expect(s.namedBy[.dnsAnswer] == 1 && s.unnamed == 3)
    }

    /// A name row's provider is the smallest of its contributions' (rules order), whatever the
    /// order they come in; before, the first contribution's stayed.
    @Test func nameRowProviderDoesNotDependOnOrder() throws {
        var results: [String?] = []
        for order: [Int32] in [[2, 1, -1], [-1, 1, 2], [1, 2, -1]] {
            var cdn = CDNAnalyzer(matcher: try C.matcher())
            for p in order { cdn.withNameRow("mixed.example", provider: p) { $0.ipv4.attempts += 1 } }
            let s = cdn.finish()
            #expect(s.names["mixed.example"]?.ipv4.attempts == 3)
            results.append(s.names["mixed.example"]?.provider)
        }
        #expect(results == ["BrokenCDN", "BrokenCDN", "BrokenCDN"])
    }

    /// Answers for a name without a row wait for one, for at most `maxPendingAnswerNames`
    /// names; those beyond are counted, not silently dropped.
    @Test func droppedPendingAnswersAreCounted() throws {
        var cdn = CDNAnalyzer(matcher: try C.matcher())
        for i in 0..<(CDNAnalyzer.maxPendingAnswerNames + 3) {
            cdn.withNameRow("n\(i).plain.example", provider: -1, createRow: false, pendingAnswer: (1, 0)) { $0.aAnswers += 1 }
        }
        #expect(cdn.finish().pendingAnswersDropped == 3)
    }
}
