import Crypto
import _CryptoExtras

/// Client Initial packets sealed as a client would (the inverse of what `QUICInitialReader`
/// opens): AES-128-GCM with the RFC 9001 section 5.2 Initial keys, then AES-ECB header
/// protection (section 5.4.3), from swift-crypto. For tests, samples and fuzz seeds, like the
/// capture writers; checked against RFC 9001 A.2 byte for byte (`QUICKeyTests`).
public enum QUICInitialSealer {
    public static func varint2(_ v: Int) -> [UInt8] { [UInt8(0x40 | (v >> 8)), UInt8(v & 0xff)] }

    /// Builds a protected Initial: header fields, packet number `pn` in `pnLength` bytes, and
    /// `payload` (frames; padded with PADDING to `padTo` bytes if shorter).
    public static func initial(version: QUICVersion, dcid: [UInt8], scid: [UInt8] = [], token: [UInt8] = [],
                        pn: UInt64, pnLength: Int = 4, payload: [UInt8], padTo: Int = 0) -> [UInt8] {
        var body = payload
        if body.count < padTo { body += [UInt8](repeating: 0, count: padTo - body.count) }
        let length = pnLength + body.count + 16
        var header: [UInt8] = [0xc0 | (version.initialTypeBits << 4) | UInt8(pnLength - 1)]
        header += withUnsafeBytes(of: version.rawValue.bigEndian) { Array($0) }
        header += [UInt8(dcid.count)] + dcid + [UInt8(scid.count)] + scid
        header += [UInt8(token.count)] + token  // token lengths < 64 fit a 1-byte varint
        header += varint2(length)
        let pnOffset = header.count
        for i in (0..<pnLength).reversed() { header.append(UInt8(truncatingIfNeeded: pn >> UInt64(8 * i))) }
        return protect(header: header, pnOffset: pnOffset, pnLength: pnLength, pn: pn, payload: body,
                       keys: QUICInitialKeys(destinationConnectionID: dcid, version: version))
    }

    public static func protect(header: [UInt8], pnOffset: Int, pnLength: Int, pn: UInt64, payload: [UInt8],
                        keys: QUICInitialKeys) -> [UInt8] {
        let box = try! AES.GCM.seal(payload, using: SymmetricKey(data: keys.key),
                                    nonce: AES.GCM.Nonce(data: keys.nonce(packetNumber: pn)), authenticating: header)
        var packet = header + Array(box.ciphertext) + Array(box.tag)
        var sample = Array(packet[(pnOffset + 4)..<(pnOffset + 20)])
        try! AES.permute(&sample, key: SymmetricKey(data: keys.headerProtectionKey))
        packet[0] ^= sample[0] & 0x0f
        for i in 0..<pnLength { packet[pnOffset + i] ^= sample[1 + i] }
        return packet
    }

    /// A CRYPTO frame (type 06) with 2-byte varints for offset and length.
    public static func cryptoFrame(offset: Int, _ data: ArraySlice<UInt8>) -> [UInt8] {
        [0x06] + varint4(offset) + varint2(data.count) + Array(data)
    }

    public static func varint4(_ v: Int) -> [UInt8] { [UInt8(0x80 | (v >> 24)), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
}
