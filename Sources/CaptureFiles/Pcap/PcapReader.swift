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
/// * A caplen larger than max(snaplen, 262144) cannot be a real record: the reader warns
///   (`bad_caplen`) and stops, keeping every record before it.
/// * A final record cut short warns (`truncated_record` / `truncated_record_header`) and stops.
public struct PcapReader {
    /// libpcap's MAXIMUM_SNAPLEN: the largest caplen any libpcap-written file should contain.
    public static let maximumSnaplen = 262_144

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
        var report = CaptureFileReport(path: path, format: .pcap)
        guard let header = PcapFileHeader(bytes) else {
            if let (order, _) = PcapFileHeader.identify(bytes) { report.sectionByteOrders = [order] }
            report.warnings.append(CaptureWarning(file: path, byteOffset: 0, code: "truncated_file_header",
                                                  reason: "pcap file header needs 24 bytes, file has \(bytes.count)"))
            return report
        }
        report.sectionByteOrders = [header.byteOrder]
        report.versionMajor = Int(header.versionMajor)
        report.versionMinor = Int(header.versionMinor)
        guard header.versionMajor == 2 else {
            report.warnings.append(CaptureWarning(
                file: path, byteOffset: PcapFileHeader.Field.versionMajor, code: "unsupported_version",
                reason: "pcap version \(header.versionMajor).\(header.versionMinor) is not supported (only major version 2)"))
            return report
        }
        let linkType = header.linkType
        report.interfaces = [CaptureInterface(index: 0, section: 0, linkType: linkType, snaplen: Int(header.snaplen),
                                              timestampResolution: header.timestampResolution, fcsLength: header.fcsLength)]
        let big = header.byteOrder == .big
        let nanosecondsPerUnit: Int64 = header.timestampResolution.exponent == 9 ? 1 : 1000
        let swapBelow23 = header.versionMinor < 3
        let swapIf23 = header.versionMinor == 3
        let caplenLimit = max(Int(header.snaplen), PcapReader.maximumSnaplen)
        let count = bytes.count
        var offset = PcapFileHeader.Field.size
        var totals = RecordTotals()

        while offset < count {
            guard count - offset >= 16 else {
                report.warnings.append(CaptureWarning(
                    file: path, byteOffset: offset, code: "truncated_record_header",
                    reason: "file ends inside a record header (\(count - offset) of 16 bytes)"))
                break
            }
            let seconds = bytes.u32(offset, big)
            let fraction = bytes.u32(offset + 4, big)
            var caplen = Int(bytes.u32(offset + 8, big))
            var length = Int(bytes.u32(offset + 12, big))
            if swapBelow23 || (swapIf23 && caplen > length) { swap(&caplen, &length) }
            guard caplen <= caplenLimit else {
                report.warnings.append(CaptureWarning(
                    file: path, byteOffset: offset, code: "bad_caplen",
                    reason: "record claims caplen \(caplen), larger than max(snaplen \(header.snaplen), \(PcapReader.maximumSnaplen))"))
                break
            }
            let dataStart = offset + 16
            guard count - dataStart >= caplen else {
                report.warnings.append(CaptureWarning(
                    file: path, byteOffset: offset, code: "truncated_record",
                    reason: "file ends inside a record: caplen \(caplen), only \(count - dataStart) bytes left"))
                break
            }
            let record = PacketRecord(
                timestamp: Int64(seconds) &* 1_000_000_000 &+ Int64(fraction) &* nanosecondsPerUnit,
                capturedLength: caplen, originalLength: length, linkType: linkType, interfaceIndex: 0,
                fileOffset: offset,
                bytes: UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + caplen)]))
            totals.count(capturedLength: caplen, originalLength: length)
            offset = dataStart + caplen
            try body(record)
        }
        totals.store(into: &report)
        return report
    }
}
