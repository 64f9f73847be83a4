import Testing
import TestSupport
import TrafficAnalysis
import PacketDecoding

/// Where NetCensus with `--teredo-by-content` differs from EXPECTED.tsv, and why it is right.
///
/// With the default options (Teredo on UDP 3544 only, as issue 2 asks) every figure equals
/// EXPECTED.tsv and no deviation is needed. AUDIT.md "Definition ambiguities" point 1: both
/// Teredo captures also carry Teredo between a client and a relay on other ports
/// (3797 <-> 32900). With `teredoByContent` NetCensus recognises it by strict content, as
/// heuristic-on TShark and the independent counter of AUDIT.md do, so these 10 cells differ.
let teredoByContentDeviations: [Deviation] = [
    Deviation(file: "teredo_zeek.pcap", column: "teredo_packets", expected: 4, netcensus: 29,
              reason: "Teredo recognised by content on non-3544 ports (AUDIT.md point 1)"),
    Deviation(file: "teredo_zeek.pcap", column: "ipv6_any", expected: 4, netcensus: 29,
              reason: "the 25 relayed Teredo frames carry IPv6"),
    Deviation(file: "teredo_zeek.pcap", column: "ipv6_in_ipv4", expected: 4, netcensus: 29,
              reason: "the 25 relayed Teredo frames are IPv6 in UDP/IPv4"),
    Deviation(file: "teredo_zeek.pcap", column: "tcp_syn_v6", expected: 0, netcensus: 1,
              reason: "an IPv6 TCP handshake inside relayed Teredo"),
    Deviation(file: "teredo_zeek.pcap", column: "tcp_synack_v6", expected: 0, netcensus: 1,
              reason: "an IPv6 TCP handshake inside relayed Teredo"),
    Deviation(file: "teredo_bubble_with_payload.pcap", column: "teredo_packets", expected: 4, netcensus: 27,
              reason: "Teredo recognised by content on non-3544 ports (AUDIT.md point 1)"),
    Deviation(file: "teredo_bubble_with_payload.pcap", column: "ipv6_any", expected: 4, netcensus: 27,
              reason: "the 23 relayed Teredo frames carry IPv6"),
    Deviation(file: "teredo_bubble_with_payload.pcap", column: "ipv6_in_ipv4", expected: 4, netcensus: 27,
              reason: "the 23 relayed Teredo frames are IPv6 in UDP/IPv4"),
    Deviation(file: "teredo_bubble_with_payload.pcap", column: "tcp_syn_v6", expected: 0, netcensus: 1,
              reason: "an IPv6 TCP handshake inside relayed Teredo"),
    Deviation(file: "teredo_bubble_with_payload.pcap", column: "tcp_synack_v6", expected: 0, netcensus: 1,
              reason: "an IPv6 TCP handshake inside relayed Teredo"),
]

@Suite struct ExpectedFiguresTests {
    static var byContent: DecoderOptions {
        var o = DecoderOptions()
        o.teredoByContent = true
        return o
    }

    @Test func corpusIsPresentAndComplete() {
        let files = Corpus.files()
        guard !files.isEmpty else { #expect(!SharedData.isCI, "shared corpus missing under CI"); return }
        // README.md: 77 captures.
        #expect(files.count == 77)
        for d in teredoByContentDeviations { #expect(files.contains(d.file), "deviation names unknown file \(d.file)") }
    }

    /// Default options: every one of the 21 audited columns of every capture equals EXPECTED.tsv.
    @Test(arguments: Corpus.files())
    func figuresMatchExpected(file: String) throws {
        try compare(file: file, options: DecoderOptions(), deviations: [])
    }

    /// `--teredo-by-content`: the same, except the listed cells where NetCensus is right.
    @Test(arguments: Corpus.files())
    func figuresWithTeredoByContentMatchExpectedOrDeviation(file: String) throws {
        try compare(file: file, options: Self.byContent, deviations: teredoByContentDeviations)
    }

    func compare(file: String, options: DecoderOptions, deviations: [Deviation]) throws {
        guard let path = SharedData.path(Corpus.directory + "/" + file) else {
            #expect(!SharedData.isCI, "shared corpus missing under CI"); return
        }
        let row = try #require(Corpus.expected()[file])
        let summary = Corpus.summarize(path, options: options).summary
        for (column, figure) in Corpus.figureColumns {
            let expected = try #require(Int(row[column] ?? ""), "\(file): no \(column) in EXPECTED.tsv")
            let actual = figure(summary)
            if let d = deviations.first(where: { $0.file == file && $0.column == column }) {
                #expect(d.expected == expected, "\(file) \(column): deviation table says EXPECTED is \(d.expected), file says \(expected)")
                #expect(actual == d.netcensus, "\(file) \(column): NetCensus \(actual), deviation table \(d.netcensus) (\(d.reason))")
            } else {
                #expect(actual == expected, "\(file) \(column): NetCensus \(actual), EXPECTED \(expected)")
            }
        }
        // Port-based Teredo, as TShark counts it by default, needs no deviation in either mode.
        #expect(Int(summary.layers.teredoUDP3544) == Int(row["teredo_packets"] ?? ""), "\(file) teredo on UDP 3544")
    }
}
