import Crypto
import _CryptoExtras
@testable import QUICInitial

/// Test-only QUIC Initial sealing (the inverse of what QUICInitial opens), from swift-crypto:
/// AES-128-GCM with the RFC 9001 section 5.2 Initial keys, then AES-ECB header protection
/// (section 5.4.3). The same construction as QUICInitialTests' sealer, which is checked there
/// against the RFC 9001 A.2 packet byte for byte.
enum Sealer {
    static func varint2(_ v: Int) -> [UInt8] { [UInt8(0x40 | (v >> 8)), UInt8(v & 0xff)] }
    static func varint4(_ v: Int) -> [UInt8] { [UInt8(0x80 | (v >> 24)), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }

    static func cryptoFrame(offset: Int, _ data: ArraySlice<UInt8>) -> [UInt8] {
        [0x06] + varint4(offset) + varint2(data.count) + Array(data)
    }

    static func initial(version: QUICVersion, dcid: [UInt8], scid: [UInt8], pn: UInt64, payload: [UInt8], padTo: Int) -> [UInt8] {
        var body = payload
        if body.count < padTo { body += [UInt8](repeating: 0, count: padTo - body.count) }
        let pnLength = 4
        var header: [UInt8] = [0xc0 | (version.initialTypeBits << 4) | UInt8(pnLength - 1)]
        header += withUnsafeBytes(of: version.rawValue.bigEndian) { Array($0) }
        header += [UInt8(dcid.count)] + dcid + [UInt8(scid.count)] + scid + [0]
        header += varint2(pnLength + body.count + 16)
        let pnOffset = header.count
        for i in (0..<pnLength).reversed() { header.append(UInt8(truncatingIfNeeded: pn >> UInt64(8 * i))) }
        let keys = QUICInitialKeys(destinationConnectionID: dcid, version: version)
        let box = try! AES.GCM.seal(body, using: SymmetricKey(data: keys.key),
                                    nonce: AES.GCM.Nonce(data: keys.nonce(packetNumber: pn)), authenticating: header)
        var packet = header + Array(box.ciphertext) + Array(box.tag)
        var sample = Array(packet[(pnOffset + 4)..<(pnOffset + 20)])
        try! AES.permute(&sample, key: SymmetricKey(data: keys.headerProtectionKey))
        packet[0] ^= sample[0] & 0x0f
        for i in 0..<pnLength { packet[pnOffset + i] ^= sample[1 + i] }
        return packet
    }
}
