import CaptureCore
import PacketDecoding
import TrafficAnalysis
import FuzzSupport

/// DNS transactions end to end: the fuzz bytes become a short exchange of raw IP packets between
/// one client and one server, run through the whole `AnalysisPipeline` (decoder, IPv4/IPv6
/// fragment reassembly, DNS-over-TCP message streams, the message parser, the transaction
/// tracker and its timeouts), then every payload also goes through `DNSMessageParser` directly.
///
/// Input: a sequence of parts, each `[flags u8][gap u8][length u16 BE][payload...]`:
/// * flags bit 0: IPv6 (else IPv4); bit 1: TCP (else UDP); bit 2: server -> client;
///   bit 3: send as two IP fragments (cut at `gap`, rounded to 8 bytes);
///   bits 4-5: port pair (53, 5353 mDNS, 5355 LLMNR, 853); bit 6: TCP sequence jumps back by
///   `gap` bytes (retransmission / overlap); bit 7: TCP SYN.
/// * gap: time since the previous packet in units of 100 ms (so 10 s timeouts are reachable).
///
/// Checks: the pipeline counts every packet; per family, transactions by status add up to the
/// UDP plus TCP transactions, and to the transaction records handed out; parsing is deterministic and within the parser's caps; nothing
/// traps (ASan and the debug bounds checks do the rest).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var options = AnalysisOptions()
    options.emitDNSRecords = true
    // Small tables: a fresh pipeline per input stays cheap, and caps and evictions are reached.
    options.maxConnections = 64
    options.maxHosts = 64
    options.distinctExactLimit = 64
    var pipeline = AnalysisPipeline(source: "fuzz", options: options)
    var parser = DNSMessageParser()
    var message = DNSMessage()
    var again = DNSMessage()
    var packet: [UInt8] = []
    var time: Int64 = 1_700_000_000_000_000_000
    var sequence: [UInt32] = [1000, 5000]   // client, server
    var ipID: UInt16 = 1
    var packets: UInt64 = 0
    var at = 0
    while at + 4 <= input.count, packets < 512 {
        let flags = input[at], gap = input[at + 1]
        let length = min(Int(input[at + 2]) << 8 | Int(input[at + 3]), input.count - at - 4)
        let payload = UnsafeRawBufferPointer(rebasing: input[(at + 4)..<(at + 4 + length)])
        at += 4 + length
        time += Int64(gap) * 100_000_000

        // The parser alone: deterministic and capped.
        let stop = parser.parse(payload, into: &message)
        let stopAgain = parser.parse(payload, into: &again)
        FuzzSupport.check(stop == stopAgain && message == again, "DNS parse is not deterministic")
        FuzzSupport.check(message.answers.count <= parser.options.maxAnswers, "answers over the cap")
        FuzzSupport.check(message.questions.count <= parser.options.maxQuestions, "questions over the cap")

        let v6 = flags & 1 != 0, tcp = flags & 2 != 0, reply = flags & 4 != 0
        let ports: [UInt16] = [53, 5353, 5355, 853]
        let serverPort = ports[Int(flags >> 4) & 3]
        let (sport, dport) = reply ? (serverPort, UInt16(40_000)) : (UInt16(40_000), serverPort)
        var segment: [UInt8] = []
        if tcp {
            let side = reply ? 1 : 0
            if flags & 64 != 0 { sequence[side] &-= UInt32(gap) }
            let syn = flags & 128 != 0
            segment = tcpHeader(sport: sport, dport: dport, seq: sequence[side], syn: syn)
            sequence[side] &+= UInt32(length) &+ (syn ? 1 : 0)
        } else {
            segment = udpHeader(sport: sport, dport: dport, length: length)
        }
        segment.append(contentsOf: payload)
        let fragmentAt = flags & 8 != 0 ? (Int(gap) * 8) : 0
        ipID &+= 1
        for piece in ipPackets(v6: v6, reply: reply, proto: tcp ? 6 : 17, segment: segment, fragmentAt: fragmentAt, id: ipID) {
            packet = piece
            packet.withUnsafeBytes { bytes in
                var record = PacketRecord(timestamp: time, capturedLength: bytes.count, originalLength: bytes.count,
                                          linkType: .raw, interfaceIndex: 0, fileOffset: 0, bytes: bytes)
                record.hasTimestamp = true
                pipeline.process(record)
            }
            packets += 1
        }
    }
    var transactions = 0
    let summary = pipeline.finish(dns: { transactions += $0.count })
    FuzzSupport.check(summary.packets == packets, "pipeline counted \(summary.packets) of \(packets) packets")
    var counted: UInt64 = 0
    for family in [summary.dnsTransactions.ipv4, summary.dnsTransactions.ipv6] {
        let byStatus = family.byStatus.values.reduce(0, +)
        FuzzSupport.check(byStatus == family.udp + family.tcp, "by_status \(byStatus) != udp + tcp \(family.udp + family.tcp)")
        counted += byStatus
    }
    FuzzSupport.check(counted == UInt64(transactions), "summary counted \(counted) transactions, records \(transactions)")
    return 0
}

private func udpHeader(sport: UInt16, dport: UInt16, length: Int) -> [UInt8] {
    let total = UInt16(truncatingIfNeeded: 8 + length)
    return [UInt8(sport >> 8), UInt8(sport & 255), UInt8(dport >> 8), UInt8(dport & 255),
            UInt8(total >> 8), UInt8(total & 255), 0, 0]
}

private func tcpHeader(sport: UInt16, dport: UInt16, seq: UInt32, syn: Bool) -> [UInt8] {
    var h: [UInt8] = [UInt8(sport >> 8), UInt8(sport & 255), UInt8(dport >> 8), UInt8(dport & 255)]
    h += [UInt8(seq >> 24), UInt8((seq >> 16) & 255), UInt8((seq >> 8) & 255), UInt8(seq & 255)]
    h += [0, 0, 0, 1, 0x50, syn ? 0x02 : 0x18, 0xff, 0xff, 0, 0, 0, 0]
    return h
}

/// One or two raw IP packets (link type RAW) carrying `segment`; two when `fragmentAt` cuts it
/// (IPv4 fragment offset / IPv6 Fragment header, RFC 791 / RFC 8200 §4.5).
private func ipPackets(v6: Bool, reply: Bool, proto: UInt8, segment: [UInt8], fragmentAt: Int, id: UInt16) -> [[UInt8]] {
    let client4: [UInt8] = [192, 0, 2, 10], server4: [UInt8] = [198, 51, 100, 53]
    let client6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [10]
    let server6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 1] + [UInt8](repeating: 0, count: 9) + [53]
    let (src, dst) = v6 ? (reply ? (server6, client6) : (client6, server6)) : (reply ? (server4, client4) : (client4, server4))
    let cut = fragmentAt > 0 && fragmentAt < segment.count ? fragmentAt : 0
    let pieces: [(offset: Int, bytes: ArraySlice<UInt8>, more: Bool)] = cut == 0
        ? [(0, segment[...], false)]
        : [(0, segment[..<cut], true), (cut, segment[cut...], false)]
    return pieces.map { piece in
        let fragmented = cut != 0
        if v6 {
            var h: [UInt8] = [0x60, 0, 0, 0]
            let payloadLength = piece.bytes.count + (fragmented ? 8 : 0)
            h += [UInt8(truncatingIfNeeded: payloadLength >> 8), UInt8(truncatingIfNeeded: payloadLength), fragmented ? 44 : proto, 64]
            h += src + dst
            if fragmented {
                let field = UInt16(truncatingIfNeeded: (piece.offset / 8) << 3) | (piece.more ? 1 : 0)
                h += [proto, 0, UInt8(field >> 8), UInt8(field & 255), 0, 0, UInt8(id >> 8), UInt8(id & 255)]
            }
            return h + piece.bytes
        }
        let total = UInt16(truncatingIfNeeded: 20 + piece.bytes.count)
        let field = UInt16(truncatingIfNeeded: piece.offset / 8) | (piece.more ? 0x2000 : 0)
        var h: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 255), UInt8(id >> 8), UInt8(id & 255),
                          UInt8(field >> 8), UInt8(field & 255), 64, proto, 0, 0]
        h += src + dst
        return h + piece.bytes
    }
}

#if !FUZZING
@main struct FuzzDNSMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzDNS (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
