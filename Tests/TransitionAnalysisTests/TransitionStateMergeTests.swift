import CaptureCore
import CaptureFiles
import CaptureJobs
import CaptureSamples
import Foundation
import PacketDecoding
import Reporting
import TestSupport
import Testing
import TrafficAnalysis
@testable import TransitionAnalysis

/// Transition states (docs/state-format.md "The transition section", docs/transition.md "Several
/// inputs"): a state survives its JSON form; merging is commutative and associative on the public
/// captures with transition figures; counters add; a device seen by address in one input joins
/// the MAC another input binds that address to; states of other settings are refused.
@Suite struct TransitionStateMergeTests {
    static func state(_ path: String, options: TransitionOptions = TransitionOptions()) -> TransitionState {
        var t = TransitionAnalyzer(options: options)
        _ = CaptureFileJob.run(path: path, transition: &t)
        return t.state()
    }

    /// The `capture analyze --json --show-addresses` document of every view (inputs and tool
    /// left out: they name the run, not a figure).
    static func documents(_ s: TransitionState) -> [String] {
        let summary = s.finish()
        return ([nil] + TransitionReport.View.allCases.map { Optional($0) }).map { v in
            JSONRenderer.render(TransitionReport.document(summary, view: v, addresses: .plain, inputs: [], tool: ""))
        }
    }

    static func roundTrip(_ s: TransitionState) throws -> TransitionState {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try JSONDecoder().decode(TransitionState.self, from: e.encode(s))
    }

    /// Public captures on which the analysis finds devices, names or races (non-empty figures).
    static func capturesWithFigures() -> [(String, TransitionState)] {
        (PublicCaptureTests.captures() ?? []).compactMap { path in
            let s = state(path)
            let f = s.finish()
            return f.deviceCounts.devices + f.destinations.namesLookedUp + f.races.count > 0 ? (path, s) : nil
        }
    }

    @Test func stateSurvivesItsJSONForm() throws {
        let list = Self.capturesWithFigures()
        guard !list.isEmpty else { #expect(!SharedData.isCI, "shared data missing under CI"); return }
        #expect(list.count >= 20, "public captures with transition figures: \(list.count)")
        for (path, s) in list {
            let back = try Self.roundTrip(s)
            #expect(Self.documents(back) == Self.documents(s), "\((path as NSString).lastPathComponent)")
            #expect(back == s)
        }
    }

    @Test func mergeIsCommutativeAssociativeAndCountersAdd() throws {
        let list = Self.capturesWithFigures()
        guard list.count >= 3 else { #expect(!SharedData.isCI, "shared data missing under CI"); return }
        // Consecutive triples over the list (names sort related captures together).
        for i in stride(from: 0, to: list.count - 2, by: 2) {
            let (a, b, c) = (list[i].1, list[i + 1].1, list[i + 2].1)
            let names = [list[i].0, list[i + 1].0, list[i + 2].0].map { ($0 as NSString).lastPathComponent }.joined(separator: " ")
            let abc = TransitionState.merged([a, b, c])
            let flat = Self.documents(abc)
            #expect(Self.documents(TransitionState.merged([b, a, c])) == flat, "b a c: \(names)")
            #expect(Self.documents(TransitionState.merged([c, b, a])) == flat, "c b a: \(names)")
            #expect(Self.documents(TransitionState.merged([TransitionState.merged([a, b]), c])) == flat, "(a b) c: \(names)")
            #expect(Self.documents(TransitionState.merged([a, TransitionState.merged([b, c])])) == flat, "a (b c): \(names)")
            // Through the JSON form, as `capture merge` reads them.
            let viaJSON = TransitionState.merged([try Self.roundTrip(a), try Self.roundTrip(TransitionState.merged([b, c]))])
            #expect(Self.documents(viaJSON) == flat, "via JSON: \(names)")
            // Counters add: census per mechanism, hints, drops.
            let fa = a.finish(), fb = b.finish(), fc = c.finish(), f = abc.finish()
            for (k, m) in f.mechanisms.enumerated() {
                #expect(m.packets == fa.mechanisms[k].packets + fb.mechanisms[k].packets + fc.mechanisms[k].packets, "\(m.mechanism) \(names)")
                #expect(m.bytes == fa.mechanisms[k].bytes + fb.mechanisms[k].bytes + fc.mechanisms[k].bytes, "\(m.mechanism) \(names)")
                #expect(m.connections == fa.mechanisms[k].connections + fb.mechanisms[k].connections + fc.mechanisms[k].connections)
            }
            #expect(f.nonIPPackets == fa.nonIPPackets + fb.nonIPPackets + fc.nonIPPackets)
            #expect(f.races.count == fa.races.count + fb.races.count + fc.races.count, "a race lies in one input: \(names)")
            #expect(f.happyEyeballs.connectionAttemptDelay.count
                    == fa.happyEyeballs.connectionAttemptDelay.count + fb.happyEyeballs.connectionAttemptDelay.count
                    + fc.happyEyeballs.connectionAttemptDelay.count)
            #expect(f.backwardTimestamps == fa.backwardTimestamps + fb.backwardTimestamps + fc.backwardTimestamps)
            // Names unite: never more than the sum, never fewer than the largest.
            #expect(f.destinations.namesLookedUp <= fa.destinations.namesLookedUp + fb.destinations.namesLookedUp + fc.destinations.namesLookedUp)
            #expect(f.destinations.namesLookedUp >= max(fa.destinations.namesLookedUp, fb.destinations.namesLookedUp, fc.destinations.namesLookedUp))
        }
        // A state merged with nothing is itself.
        #expect(Self.documents(TransitionState.merged([list[0].1])) == Self.documents(list[0].1))
    }

    /// Input A: the laptop's ARP reply binds 192.168.1.10 to its MAC and it makes one IPv6
    /// connection. Input B: a raw-IP capture (no MACs) with one IPv4 connection from
    /// 192.168.1.10. Alone, B's originator is an address-only IPv4-only device; merged, it is the
    /// laptop, now dual-stack: one device, not two, in either order.
    @Test func anAddressOnlyDeviceJoinsTheMACAnotherInputBinds() throws {
        let dir = SharedData.temporaryDirectory("transition-merge")
        defer { try? FileManager.default.removeItem(at: dir) }
        let laptop = CraftedCapture.mac("02:00:00:00:00:0a"), router = CraftedCapture.mac("02:00:00:00:00:01")
        let laptop4 = CraftedCapture.a("192.168.1.10"), laptop6 = CraftedCapture.a("2001:db8:1:1::10")
        let server4 = CraftedCapture.a("198.51.100.7"), server6 = CraftedCapture.a("2001:db8:99::7")
        var a = CraftedCapture()
        // An ARP reply from the laptop (RFC 826: binds 192.168.1.10 to its MAC, no connection),
        // then an IPv6 connection.
        let arp: [UInt8] = [0, 1, 8, 0, 6, 4, 0, 2] + laptop + laptop4 + router + CraftedCapture.a("192.168.1.1")
        a.add(1, PacketBuilder.ethernet(destination: router, source: laptop, etherType: 0x0806, payload: arp), "non_ip")
        a.tcp(10, clientMAC: laptop, routerMAC: router, client: laptop6, server: server6, cport: 40001, sport: 443, rtt: 5, mechanism: "native_ipv6")
        let pathA = dir.appendingPathComponent("a.pcap").path
        try a.writer.write(to: pathA)
        var b = PcapWriter(linkType: .raw, snaplen: 65535)
        let t0 = CraftedCapture.base + 20_000_000
        b.append(timestamp: t0, packet: CraftedCapture.tcpIP(laptop4, server4, 40002, 80, seq: 1, ack: 0, flags: 0x02))
        b.append(timestamp: t0 + 5_000_000, packet: CraftedCapture.tcpIP(server4, laptop4, 80, 40002, seq: 9, ack: 2, flags: 0x12))
        b.append(timestamp: t0 + 6_000_000, packet: CraftedCapture.tcpIP(laptop4, server4, 40002, 80, seq: 2, ack: 10, flags: 0x10))
        let pathB = dir.appendingPathComponent("b.pcap").path
        try b.write(to: pathB)

        let sa = Self.state(pathA), sb = Self.state(pathB)
        let fb = sb.finish()
        #expect(fb.deviceCounts.devices == 1 && fb.deviceCounts.ipv4Only == 1 && fb.devices.first?.key.mac == nil)
        #expect(sb.activity.keys.first?.floating == true)
        for merged in [TransitionState.merged([sa, sb]), TransitionState.merged([sb, sa])] {
            let f = merged.finish()
            #expect(f.deviceCounts.devices == 1)
            #expect(f.deviceCounts.dualStack == 1)
            let row = try #require(f.devices.first)
            #expect(row.key.mac == 0x02_00_00_00_00_0a)
            #expect(row.connectionsV4 == 1 && row.connectionsV6 == 1)
            #expect(f.deviceShare.ipv6 == 1)
            #expect(f.connections.ipv4 == 1 && f.connections.ipv6 == 1)
        }
    }

    /// The worked example of docs/transition.md cut in two at its middle record (the project's
    /// writer, one file per half): merged, the halves give the whole capture's devices (the same
    /// MAC and address keys, 6 devices, 1 router MAC: a device's activity in both halves is one
    /// device) and every packet and byte of the census (per mechanism they may move between
    /// `nat64` and `native_ipv6`: a prefix learnt in the first half does not apply in the second).
    @Test func homeNetworkCutInTwoKeepsItsDevicesAndPackets() throws {
        let dir = SharedData.temporaryDirectory("transition-cut")
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = dir.appendingPathComponent("whole.pcap").path
        try HomeNetwork.build().writer.write(to: whole)
        var records: [(Int64, [UInt8])] = []
        _ = try CaptureFileReader(path: whole).forEachPacket { r in records.append((r.timestamp, Array(r.bytes))) }
        #expect(records.count > 20)
        let half = records.count / 2
        var paths: [String] = []
        for (i, part) in [records[..<half], records[half...]].enumerated() {
            var w = PcapWriter(linkType: .ethernet, snaplen: 65535, nanoseconds: true)
            for (t, b) in part { w.append(timestamp: t, packet: b) }
            let p = dir.appendingPathComponent("half\(i).pcap").path
            try w.write(to: p)
            paths.append(p)
        }
        let w = Self.state(whole, options: CraftedCapture.craftedOptions).finish()
        let halves = paths.map { Self.state($0, options: CraftedCapture.craftedOptions) }
        for m in [TransitionState.merged(halves).finish(), TransitionState.merged(halves.reversed()).finish()] {
            #expect(w.deviceCounts.devices == 6)
            #expect(m.deviceCounts.devices == w.deviceCounts.devices)
            #expect(m.deviceCounts.routerMACs == w.deviceCounts.routerMACs)
            #expect(Set(m.devices.map(\.key)) == Set(w.devices.map(\.key)))
            #expect(m.mechanisms.reduce(0) { $0 + $1.packets } == w.mechanisms.reduce(0) { $0 + $1.packets })
            #expect(m.mechanisms.reduce(0) { $0 + $1.bytes } == w.mechanisms.reduce(0) { $0 + $1.bytes })
            #expect(m.nonIPPackets == w.nonIPPackets)
            #expect(m.destinations.namesLookedUp == w.destinations.namesLookedUp)
        }
    }

    /// States from other settings never merge: `capture analyze` options join the settings,
    /// and `CaptureState.merge` names the first differing one.
    @Test func statesOfOtherTransitionSettingsAreRefused() throws {
        var local = TransitionOptions()
        local.localPrefixes = [IPPrefix("192.168.0.0/16")!, IPPrefix("2001:db8:1::/48")!]
        var reordered = TransitionOptions()
        reordered.localPrefixes = [IPPrefix("2001:db8:1::/48")!, IPPrefix("192.168.0.0/16")!]
        #expect(CaptureState.transitionSettings(local) == CaptureState.transitionSettings(reordered), "order of --local-prefix does not matter")
        #expect(CaptureState.transitionSettings(local)["transition.localPrefixes"] == "192.168.0.0/16,2001:db8:1::/48")
        var nat64 = TransitionOptions()
        nat64.nat64Prefixes = [IPPrefix("2001:db8:64::/96")!]
        var sixRD = TransitionOptions()
        sixRD.sixRDPrefix = IPPrefix("2001:db8:6::/48")!
        var clat = TransitionOptions()
        clat.clatPrefixes = [IPPrefix("2001:db8:c1a7::/96")!]
        let base = CaptureState(tool: "t", settings: CaptureState.transitionSettings(TransitionOptions()), files: [], transition: TransitionState())
        for (options, key) in [(local, "transition.localPrefixes"), (nat64, "transition.nat64Prefixes"),
                               (sixRD, "transition.sixRDPrefix"), (clat, "transition.clatPrefixes")] {
            let other = CaptureState(tool: "t", settings: CaptureState.transitionSettings(options), files: [], transition: TransitionState())
            do {
                _ = try CaptureState.merge([("a.state", base), ("b.state", other)])
                Issue.record("\(key): merged")
            } catch let e as CaptureStateError {
                #expect(e.path == "b.state" && e.reason.contains(key), "\(e)")
            }
        }
        // A summarize state (no transition settings, no section) never merges with an analyze one.
        let summarize = CaptureState(tool: "t", settings: [:], files: [])
        #expect(throws: CaptureStateError.self) { try CaptureState.merge([("a.state", base), ("s.state", summarize)]) }
    }
}
