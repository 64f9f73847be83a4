import Testing
import PacketDecoding
import TrafficAnalysis
@testable import TransitionAnalysis

/// The shortcuts of the transition analysis give what the plain computations gave: the race
/// order without a tuple sort, the NAT64 top-32-bit filter, frame bindings counted in the cache.
@Suite struct TransitionFastPathTests {
    static func race(_ start: Int64, _ name: String, mac: UInt64?, tag: Int) -> RaceResult {
        RaceResult(device: DeviceKey(mac: mac, address: mac == nil ? IPAddress(v4: UInt32(tag)) : nil), name: name, start: start,
                   aAnswered: tag, aaaaAnswered: 0, aaaaSynthesized: 0, attemptsV4: 0, attemptsV6: 0,
                   quicAttemptsV4: 0, quicAttemptsV6: 0, fallback: false, loserResetByClient: false, dualStackEligible: false)
    }

    @Test func raceOrderIsTheStableTupleSort() {
        // Out of order starts, equal starts told apart by name, then by device, and fully equal
        // keys (told apart only by `aAnswered`), which keep their input order.
        let input = [
            Self.race(30, "b", mac: 2, tag: 0), Self.race(10, "z", mac: 1, tag: 1), Self.race(30, "a", mac: 9, tag: 2),
            Self.race(30, "b", mac: 1, tag: 3), Self.race(30, "b", mac: 2, tag: 4), Self.race(-5, "q", mac: nil, tag: 5),
            Self.race(30, "b", mac: nil, tag: 6), Self.race(30, "b", mac: 2, tag: 7), Self.race(.min, "", mac: 3, tag: 8),
        ]
        let ordered = HappyEyeballsRaces.inSummaryOrder(input)
        #expect(ordered.map(\.aAnswered) == [8, 5, 1, 2, 3, 0, 4, 7, 6])
        // Every prefix of the input: the same as a stable sort by the tuple.
        for n in 0...input.count {
            let part = Array(input.prefix(n))
            let expected = part.enumerated().sorted { x, y in
                let a = x.element, b = y.element
                if (a.start, a.name, a.device) < (b.start, b.name, b.device) { return true }
                if (b.start, b.name, b.device) < (a.start, a.name, a.device) { return false }
                return x.offset < y.offset
            }.map(\.element)
            #expect(HappyEyeballsRaces.inSummaryOrder(part) == expected, "first \(n)")
        }
        // Input already in order comes back as it is.
        #expect(HappyEyeballsRaces.inSummaryOrder(ordered) == ordered)
    }

    @Test func nat64FilterNeverHidesAnAddressInAPrefix() throws {
        let configured = ["2001:db8::/32", "2a00:1:2::/48", "2a00:1:3:4::/64", "3fff:ffff:1:2::/96"].map { IPPrefix($0)! }
        var book = NAT64PrefixBook(configured: configured)
        func plain(_ a: IPAddress) -> Bool {
            book.prefixes.contains { $0.prefix.contains(a) && NAT64PrefixBook.embeds(a, under: $0) }
        }
        var g = SystemRandomNumberGenerator()
        var inside = 0, rejected = 0
        for i in 0..<20_000 {
            // Half in a known prefix (random host bits, u octet clear half the time), half anywhere.
            var a = IPAddress(v6High: g.next(), low: i % 4 == 0 ? g.next() : g.next() & 0x00ff_ffff_ffff_ffff)
            if i % 2 == 0 {
                let p = book.prefixes[i / 2 % book.prefixes.count].prefix
                let hostHigh: UInt64 = p.length >= 64 ? 0 : ~UInt64(0) >> UInt64(p.length)
                a = IPAddress(v6High: p.address.high | (a.high & hostHigh), low: p.length >= 96 ? p.address.low | (a.low & 0xffff_ffff) : a.low)
            }
            let expected = plain(a)
            #expect(book.contains(a) == expected)
            #expect((book.match(a) != nil) == expected)
            if expected { inside += 1 }
            if !book.mayContain(a) { rejected += 1 }
        }
        #expect(inside > 5_000)
        // Most addresses outside the prefixes stop at the filter (five prefixes, three distinct top words).
        #expect(rejected > 8_000)
        // A prefix learnt later is in the filter at once.
        let learnt = try #require(IPPrefix("2a05:d014:1:2::/96"))
        let a = IPAddress(v6High: learnt.address.high, low: 0xc000_0221)
        #expect(!book.contains(a))
        let learned = book.learn(learnt, source: .pref64, at: 5)
        #expect(learned)
        #expect(book.contains(a) && book.contains(a, at: 5) && !book.contains(a, at: 4))
        #expect(NAT64PrefixBook.top32Filter(of: [NAT64Prefix(prefix: IPPrefix("2001::/16")!, source: .configured)]) == .max)
    }

    @Test func frameBindingsCountRepeatsAndSkipNonHosts() {
        var b = DeviceBindings(maxBindings: 16)
        let host = IPAddress(v4: 0xc0a8_0105), mac: UInt64 = 0x02_00_00_00_00_05
        b.bindFrame(mac: mac, address: host, time: 10)
        b.bindFrame(mac: mac, address: host, time: 30)
        b.bindFrame(mac: mac, address: host, time: 20)
        // 0.0.0.0, multicast and broadcast sources are not hosts: never bound, however often seen.
        for a in [IPAddress(v4: 0), IPAddress(v4: 0xe000_00fb), IPAddress(v4: 0xffff_ffff)] {
            b.bindFrame(mac: mac, address: a, time: 40)
            b.bindFrame(mac: mac, address: a, time: 50)
        }
        let all = b.allBindings()
        #expect(all.count == 1)
        #expect(all.first?.0 == BindingKey(mac: mac, address: host))
        let state = all.first?.1
        #expect(state?.first == 10 && state?.last == 30 && state?.packets == 3 && state?.fromFrame == true)
        #expect(b.device(of: host) == DeviceKey(mac: mac, address: nil))
    }

    @Test func recentRacesKeepTheLatestFourAsAnArrayDid() {
        var r = RecentRaces()
        var plain: [Int] = []
        #expect(r.isEmpty && r.last == nil)
        for race in [7, 7, 1, 2, 2, 3, 9, 4, 4, 1] {
            r.note(race)
            if plain.last != race { plain.append(race); if plain.count > 4 { plain.removeFirst() } }
            #expect(Array(r) == plain)
        }
        #expect(Array(r) == [3, 9, 4, 1] && Array(r.reversed()) == [1, 4, 9, 3])
    }

    @Test func historySYNMatchesTheText() {
        // Code 1 is the originator's SYN ("S"), 9 the responder's ("s").
        #expect(TransitionAnalyzer.historyHasOriginatorSYN(ConnectionHistory(codes: 0x0031, length: 2, flipped: false)))
        #expect(!TransitionAnalyzer.historyHasOriginatorSYN(ConnectionHistory(codes: 0x0039, length: 2, flipped: true)))
        // A code 1 past `length` is not part of the history.
        #expect(!TransitionAnalyzer.historyHasOriginatorSYN(ConnectionHistory(codes: 0x0130, length: 2, flipped: false)))
        var g = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let h = ConnectionHistory(codes: g.next(), length: UInt8.random(in: 0...16, using: &g), flipped: Bool.random(using: &g))
            #expect(TransitionAnalyzer.historyHasOriginatorSYN(h) == h.text.utf8.contains(UInt8(ascii: "S")))
        }
    }

    @Test func namesUpdatedThroughOneLookup() {
        var byIndex = DestinationNames(maxNames: 2), byName = DestinationNames(maxNames: 2)
        let a = IPAddress(v4: 0xc000_0201)
        for (name, q) in [("a.example", 1), ("b.example", 28), ("a.example", 28), ("c.example", 1), ("b.example", 1)] {
            let i = byIndex.index(of: name)
            #expect((i == nil) == (byIndex[name] == nil))
            if let i { #expect(byIndex[at: i].aQueries == byIndex[name]?.aQueries) }
            let kept = byIndex.update(name, at: i) { n in if q == 1 { n.aQueries += 1; n.aAddresses.append(a) } else { n.aaaaQueries += 1 } }
            let keptToo = byName.update(name) { n in if q == 1 { n.aQueries += 1; n.aAddresses.append(a) } else { n.aaaaQueries += 1 } }
            #expect(kept == keptToo && kept == (name != "c.example"))
        }
        #expect(byIndex.droppedNames == 1 && byName.droppedNames == 1)
        for name in ["a.example", "b.example"] {
            let x = byIndex[name], y = byName[name]
            #expect(x?.aQueries == y?.aQueries && x?.aaaaQueries == y?.aaaaQueries && x?.aAddresses == y?.aAddresses)
        }
        #expect(byIndex["a.example"]?.aQueries == 1 && byIndex["a.example"]?.aaaaQueries == 1)
        #expect(byIndex["c.example"] == nil)
    }
}
