import CaptureCore

/// Streams the records of a classic pcap file (pcap-savefile(5); draft-ietf-opsawg-pcap).
///
/// Record header (16 bytes, in the file header's byte order):
/// ```
/// | ts_sec (4) | ts_usec or ts_nsec (4) | caplen (4) | len (4) | caplen bytes of packet data ...
/// ```
/// Rules taken from libpcap's sf-pcap.c, where the formats leave room:
/// * Major version must be 2 (versions 1.x are "archaic"): anything else is rejected with an
///   `unsupported_version` warning and no packets.
/// * Versions below 2.3 wrote caplen and len swapped; 2.3 did so in some writers, detectable
///   when caplen > len. Both cases are swapped back (libpcap `swap_pseudo_headers` quirk).
/// * A caplen larger than max(snaplen, 262144) cannot be a real record (`bad_caplen`).
/// * A final record cut short warns (`truncated_record` / `truncated_record_header`).
///
/// Damage in the middle of a file (`PcapRecordChain`): classic pcap has no record marker, so a
/// record header made of garbage is caught by what it claims. A header that is merely odd (a
/// timestamp fraction of a second or more, caplen above snaplen or above len, a timestamp
/// more than a week from the previous record's) is accepted as before only when the header
/// its caplen points at is acceptable too; otherwise it is the fault (`implausible_record`),
/// so a garbage header is not delivered as a packet. After any fault but the end of the file,
/// the reader scans forward byte by byte for the first position where a chain of four
/// plausible records starts (`PcapRecordChain`) (or fewer that end exactly at the end of the file), warns
/// `resynchronized` with both offsets, and reads on from there. With no such chain, reading
/// stops at the fault, as libpcap and Wireshark do.
public struct PcapReader {
    /// libpcap's MAXIMUM_SNAPLEN: the largest caplen any libpcap-written file should contain.
    public static let maximumSnaplen = 262_144
    /// Warnings per file are capped so a file with thousands of damaged spots stays readable.
    public static let maximumWarnings = 100

    public let path: String
    public let bytes: UnsafeRawBufferPointer

    public init(path: String, bytes: UnsafeRawBufferPointer) {
        self.path = path
        self.bytes = bytes
    }

    /// Reads every record, calling `body` for each one.
    ///
    /// - Returns: the report (header facts, counts, warnings). A file with a short header or a
    ///   wrong version yields a report with a warning and no packets; nothing is thrown except
    ///   what `body` throws (which stops reading).
    public func read(_ body: (PacketRecord) throws -> Void) rethrows -> CaptureFileReport {
        var window = CaptureByteWindow(path: path, memory: bytes)
        defer { window.release() }
        return try PcapReader.read(path: path, window: &window, body)
    }

    /// The record loop over a window (memory, file or inflated gzip).
    static func read(path: String, window: inout CaptureByteWindow,
                     _ body: (PacketRecord) throws -> Void) rethrows -> CaptureFileReport {
        var report = CaptureFileReport(path: path, format: .pcap)
        func warn(_ at: Int, _ code: String, _ reason: String) {
            if report.warnings.count < PcapReader.maximumWarnings {
                report.warnings.append(CaptureWarning(file: path, byteOffset: at, code: code, reason: reason))
            }
        }
        guard let head = window.bytes(at: 0, count: PcapFileHeader.Field.size, keeping: 0), let header = PcapFileHeader(head) else {
            let available = window.bytesUpTo(at: 0, count: PcapFileHeader.Field.size, keeping: 0)
            if let (order, _) = PcapFileHeader.identify(available) { report.sectionByteOrders = [order] }
            warn(0, "truncated_file_header", "pcap file header needs 24 bytes, file has \(available.count)")
            return report
        }
        report.sectionByteOrders = [header.byteOrder]
        report.versionMajor = Int(header.versionMajor)
        report.versionMinor = Int(header.versionMinor)
        guard header.versionMajor == 2 else {
            warn(PcapFileHeader.Field.versionMajor, "unsupported_version",
                 "pcap version \(header.versionMajor).\(header.versionMinor) is not supported (only major version 2)")
            return report
        }
        let linkType = header.linkType
        report.interfaces = [CaptureInterface(index: 0, section: 0, linkType: linkType, snaplen: Int(header.snaplen),
                                              timestampResolution: header.timestampResolution, fcsLength: header.fcsLength)]
        let rules = PcapRecordChain(header: header)
        let nanosecondsPerUnit: Int64 = header.timestampResolution.exponent == 9 ? 1 : 1000
        var offset = PcapFileHeader.Field.size
        var totals = RecordTotals()
        /// Seconds of the last record delivered (the reference for plausible timestamps).
        var lastSeconds: UInt32? = nil

        while true {
            guard let h = window.bytes(at: offset, count: 16, keeping: offset) else {
                let left = window.bytesUpTo(at: offset, count: 16, keeping: offset).count
                if left > 0 {
                    warn(offset, "truncated_record_header", "file ends inside a record header (\(left) of 16 bytes)")
                }
                break
            }
            let r = rules.decode(h)
            var fault: (code: String, reason: String)
            if r.caplen > rules.caplenLimit {
                fault = ("bad_caplen", "record claims caplen \(r.caplen), larger than max(snaplen \(header.snaplen), \(PcapReader.maximumSnaplen))")
            } else if r.caplen > CaptureByteWindow.maximumRequestBytes - 16 {
                fault = ("bad_caplen", "record claims caplen \(r.caplen), larger than the reader's \(CaptureByteWindow.maximumRequestBytes)-byte record limit")
            } else if rules.isOdd(r, after: lastSeconds),
                      let next = window.bytes(at: offset + 16 + r.caplen, count: 16, keeping: offset),
                      rules.decode(next).caplen > rules.caplenLimit {
                fault = ("implausible_record", "record header (caplen \(r.caplen), len \(r.length), timestamp \(r.seconds).\(r.fraction)) is implausible and the record after it is invalid: treated as damage")
            } else if let record = window.bytes(at: offset, count: 16 + r.caplen, keeping: offset) {
                let packet = PacketRecord(
                    timestamp: Int64(r.seconds) &* 1_000_000_000 &+ Int64(r.fraction) &* nanosecondsPerUnit,
                    capturedLength: r.caplen, originalLength: r.length, linkType: linkType, interfaceIndex: 0,
                    fileOffset: offset, bytes: UnsafeRawBufferPointer(rebasing: record[16...]))
                totals.count(capturedLength: r.caplen, originalLength: r.length)
                lastSeconds = r.seconds
                offset += 16 + r.caplen
                try body(packet)
                continue
            } else {
                let left = window.bytesUpTo(at: offset + 16, count: r.caplen, keeping: offset).count
                fault = ("truncated_record", "file ends inside a record: caplen \(r.caplen), only \(left) bytes left")
            }
            warn(offset, fault.code, fault.reason)
            guard let resumed = rules.resynchronize(&window, from: offset + 1, lastGood: lastSeconds) else { break }
            warn(resumed, "resynchronized",
                 "reading resumed here after skipping \(resumed - offset) bytes of damaged data from offset \(offset) (a chain of valid records starts here)")
            offset = resumed
        }
        totals.store(into: &report)
        return report
    }
}
