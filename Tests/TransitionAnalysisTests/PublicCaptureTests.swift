import Foundation
import Testing
import CaptureJobs
import PacketDecoding
import TestSupport
import TrafficAnalysis
@testable import TransitionAnalysis

/// The transition figures of the public captures (../shared/captures/public) against the
/// summary's own packet, connection and DNS figures for the same files: the census splits the
/// innermost-family counts, never adds or loses a packet, byte or connection.
@Suite struct PublicCaptureTests {
    static func captures() -> [String]? {
        guard let dir = SharedData.path("captures/public") else { return nil }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted().map { dir + "/" + $0 }
    }

    static func run(_ path: String) -> (TransitionSummary, AdoptionSummary) {
        var t = TransitionAnalyzer()
        let r = CaptureFileJob.run(path: path, transition: &t)
        return (t.finish(), r.summary)
    }

    @Test func censusSplitsTheSummaryFamilies() throws {
        guard let files = Self.captures() else { #expect(!SharedData.isCI, "shared data missing under CI"); return }
        #expect(files.count >= 70)
        for path in files {
            let name = (path as NSString).lastPathComponent
            let (t, s) = Self.run(path)
            let v6 = t.mechanisms.filter { $0.mechanism.family == .v6 }, v4 = t.mechanisms.filter { $0.mechanism.family == .v4 }
            #expect(v6.reduce(0) { $0 + $1.packets } == s.innermost.ipv6.packets, "\(name) IPv6 packets")
            #expect(v4.reduce(0) { $0 + $1.packets } == s.innermost.ipv4.packets, "\(name) IPv4 packets")
            #expect(v6.reduce(0) { $0 + $1.bytes } == s.innermost.ipv6.bytes, "\(name) IPv6 bytes")
            #expect(v4.reduce(0) { $0 + $1.bytes } == s.innermost.ipv4.bytes, "\(name) IPv4 bytes")
            #expect(t.nonIPPackets == s.innermost.other.packets, "\(name) non-IP packets")
            #expect(v6.reduce(0) { $0 + $1.connections } == s.connections.ipv6.connections, "\(name) IPv6 connections")
            #expect(v4.reduce(0) { $0 + $1.connections } == s.connections.ipv4.connections, "\(name) IPv4 connections")
            // Names: the port-53 A/AAAA names are among the summary's looked-up names, and a
            // name with a (non-synthesized) AAAA answer is one the summary saw answered.
            #expect(t.destinations.namesLookedUp <= s.dnsTransactions.names.count, "\(name) names")
            #expect(t.destinations.withAAAA <= s.dnsTransactions.namesWithAAAA, "\(name) names with AAAA")
            // Tunnels: the census's tunnel mechanisms never exceed the decoder's tunnel counts.
            let proto41 = t.mechanisms.filter { [.sixInFour, .sixToFour, .sixRD, .isatap].contains($0.mechanism) }.reduce(0) { $0 + $1.packets }
            #expect(proto41 <= s.layers.proto41, "\(name) protocol 41")
            #expect(t.mechanisms.first { $0.mechanism == .teredo }!.packets <= s.layers.teredo, "\(name) Teredo")
            #expect(t.mechanisms.first { $0.mechanism == .dsLite }!.packets <= s.layers.ipv4InIPv6, "\(name) 4in6")
            // No public capture uses a NAT64 prefix (AUDIT.md: addr_nat64 is 0 everywhere).
            #expect(t.connections.translated == 0, "\(name) translated")
        }
    }

    @Test func nat64AndSoftwireCaptures() throws {
        guard let dir = SharedData.path("captures/public") else { #expect(!SharedData.isCI, "shared data missing under CI"); return }
        // RFC 8781 PREF64: frame 1 withdraws 2001:db8:1:64:ff9b::/96 (lifetime 0), frame 2 has
        // an invalid prefix length code, frames 3-4 announce 2001:db8:0:64:ff9b::/96 (tshark).
        let (ra, _) = Self.run(dir + "/icmpv6_ra_pref64_nat64.pcap")
        // The capture holds only these RAs: their sender never shows it forwards traffic, so it
        // cannot be told to be the LAN's router and the prefix is not used (counted once:
        // one prefix, one sender).
        #expect(ra.nat64Prefixes.filter { $0.source == .pref64 }.isEmpty)
        #expect(ra.nat64Drops.pref64NotFromRouter == 1)
        #expect(ra.packets.translated == 0 && ra.packets.ipv6 == 4)
        // IPv4 in IPv6 (4 packets, tshark ipv4_in_ipv6 = 4): one DS-Lite connection.
        let (ds, dsSummary) = Self.run(dir + "/4in6_dslite_style.pcap")
        let row = ds.mechanisms.first { $0.mechanism == .dsLite }!
        #expect(row.packets == dsSummary.layers.ipv4InIPv6 && row.packets == 4 && row.connections == 1)
        // Teredo (zeek trace): every Teredo-decoded packet is in the Teredo row.
        let (teredo, teredoSummary) = Self.run(dir + "/teredo_zeek.pcap")
        #expect(teredo.mechanisms.first { $0.mechanism == .teredo }!.packets == teredoSummary.layers.teredo)
        // A dual-stack trace: DNS over IPv4, AAAA empty, everything IPv4 (MANIFEST).
        let (wiki, _) = Self.run(dir + "/dualstack_wikipedia_browsing.pcap")
        #expect(wiki.connections.ipv6 == 3 && wiki.destinations.aaaaEmpty == 2 && wiki.happyEyeballs.dualStackEligibleRaces == 0)
    }
}
