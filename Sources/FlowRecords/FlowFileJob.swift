#if canImport(Glibc)
import Glibc
#endif
import CaptureCore
import CaptureFiles
import PacketDecoding
import TrafficAnalysis

/// What reading one flow source gave.
public struct FlowFileResult: Sendable {
    public var path: String
    /// `ipfix` (an RFC 5655 file of messages), `pcap`/`pcapng` (export datagrams captured on
    /// the wire), or nil when the file could not be read.
    public var format: String?
    public var summary = FlowSummary()
    public var counters = FlowExportReader.Counters()
    /// Sampling rate per domain learnt from options records (domain -> 1-in-N).
    public var samplingRates: [UInt32: UInt64] = [:]
    public var warnings: [CaptureWarning] = []
    /// Why nothing could be read (cannot open, not a regular file, not a flow source).
    public var error: String?
    /// The file was opened (its content may still be unreadable).
    public var opened = false

    /// Takes the reader's figures at the end of a read: summary, counters, sampling rates, and
    /// one warning saying how many were not kept past the cap (never silent).
    mutating func finish(_ summary: FlowSummary, reader: FlowExportReader) {
        self.summary = summary
        counters = reader.counters
        samplingRates = reader.samplingRates
        if reader.warningsDropped > 0 {
            warnings.append(CaptureWarning(file: path, byteOffset: 0, code: "warnings_dropped",
                                           reason: "\(reader.warningsDropped) further warnings not kept (at most \(FlowExportReader.maxWarnings) per input)"))
        }
    }
}

/// Reads flow records from a file: an IPFIX file (first two bytes 00 0a, RFC 5655: messages
/// back to back, each read with `pread` by its length, so memory stays at one message), or a
/// pcap/pcapng capture of export traffic, whose UDP datagrams to or from `ports` starting with
/// version 9 or 10 are read as NetFlow v9 / IPFIX messages (templates scoped per exporter
/// address and domain, as a collector does).
public enum FlowFileJob {
    /// Default collector ports: 2055 and 9995/9996 (NetFlow), 4739 (IPFIX, RFC 7011 §10.3.1), 6343 excluded (sFlow).
    public static let defaultPorts: Set<UInt16> = [2055, 4739, 9995, 9996]

    public static func run(path: String, ports: Set<UInt16> = defaultPorts) -> FlowFileResult {
        var result = FlowFileResult(path: path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { result.error = String(cString: strerror(errno)); return result }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd); result.error = "not a regular file"; return result
        }
        result.opened = true
        var head = [UInt8](repeating: 0, count: 4)
        let got = pread(fd, &head, 4, 0)
        if got >= 2 && head[0] == 0 && head[1] == 10 {
            result.format = "ipfix"
            readIPFIXFile(fd: fd, size: Int(st.st_size), into: &result)
            close(fd)
            return result
        }
        close(fd)
        return readCapture(path: path, ports: ports, into: result)
    }

    static func readIPFIXFile(fd: Int32, size: Int, into result: inout FlowFileResult) {
        var reader = FlowExportReader(source: result.path)
        var summary = FlowSummary()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var offset = 0
        while offset < size {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 16, off_t(offset)) }
            guard n == 16 else {
                result.warnings.append(CaptureWarning(file: result.path, byteOffset: offset, code: "truncated_message",
                                                      reason: "file ends inside an IPFIX message header (\(max(0, n)) of 16 bytes)"))
                break
            }
            let version = Int(buffer[0]) << 8 | Int(buffer[1]), length = Int(buffer[2]) << 8 | Int(buffer[3])
            guard version == 10, length >= 16 else {
                result.warnings.append(CaptureWarning(file: result.path, byteOffset: offset, code: "bad_message_header",
                                                      reason: "version \(version), length \(length): not an IPFIX message header; rest of the file not read"))
                break
            }
            let m = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
            guard m == length else {
                result.warnings.append(CaptureWarning(file: result.path, byteOffset: offset, code: "truncated_message",
                                                      reason: "file ends inside an IPFIX message (\(max(0, m)) of \(length) bytes)"))
                break
            }
            buffer.withUnsafeBytes { b in
                let message = UnsafeRawBufferPointer(rebasing: b[0..<length])
                _ = reader.readMessage(message, at: 0, exporter: 0) { summary.add($0) }
            }
            // Reader warnings carry offsets inside the message: shift them to file offsets.
            offset += length
            absorb(&reader, base: offset - length, into: &result)
        }
        result.finish(summary, reader: reader)
    }

    /// Moves the reader's new warnings into the result with file offsets.
    static func absorb(_ reader: inout FlowExportReader, base: Int, into result: inout FlowFileResult) {
        let fresh = reader.takeWarnings()
        for var w in fresh { w.byteOffset += base; result.warnings.append(w) }
    }

    static func readCapture(path: String, ports: Set<UInt16>, into initial: FlowFileResult) -> FlowFileResult {
        var result = initial
        let capture: CaptureFileReader
        do { capture = try CaptureFileReader(path: path) } catch {
            result.error = "neither an IPFIX file nor a pcap/pcapng capture (\(error))"
            return result
        }
        result.format = capture.format.rawValue
        var reader = FlowExportReader(source: path)
        var summary = FlowSummary()
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        let report = capture.forEachPacket { record in
            decoder.decode(record.bytes, linkType: record.linkType, originalLength: record.originalLength, into: &packet)
            guard let t = packet.transport, t.protocolNumber == 17, ports.contains(t.destinationPort) || ports.contains(t.sourcePort),
                  t.payloadOffset >= 0, t.payloadCapturedLength >= 4, t.ipLayerIndex < packet.ipLayers.count,
                  let exporterAddress = packet.ipLayers[t.ipLayerIndex].source else { return }
            let payload = UnsafeRawBufferPointer(rebasing: record.bytes[t.payloadOffset..<min(record.bytes.count, t.payloadOffset + t.payloadCapturedLength)])
            guard payload[0] == 0, payload[1] == 9 || payload[1] == 10 else { return }
            let exporter = exporterAddress.high &* 0x9E37_79B9_7F4A_7C15 ^ exporterAddress.low ^ UInt64(t.sourcePort) << 48
            _ = reader.readMessage(payload, at: 0, exporter: exporter) { summary.add($0) }
            absorb(&reader, base: record.fileOffset, into: &result)
        }
        result.warnings = report.warnings + result.warnings
        result.finish(summary, reader: reader)
        return result
    }
}
