import Crypto
import _CryptoExtras
import Foundation

// Initial packet protection (RFC 9001 section 5.2, RFC 9369 section 3.3). Every primitive comes
// from swift-crypto: HKDF-SHA256 (RFC 5869), AES-128-GCM, and the raw AES block function for
// header protection (AES-ECB on one 16-byte sample, RFC 9001 section 5.4.3). Nothing here
// implements a cipher; this file only arranges inputs as the RFCs say.
//
//   initial_salt = 0x38762cf7f55934b34d179ae6a4c80cadccbb7f0a        (v1)
//                  0x0dede3def700a6db819381be6e269dcbf9bd2ed9        (v2)
//   initial_secret        = HKDF-Extract(initial_salt, client_dst_connection_id)
//   client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
//   server_initial_secret = HKDF-Expand-Label(initial_secret, "server in", "", 32)
//   key = HKDF-Expand-Label(secret, "quic key", "", 16)   ("quicv2 key" for v2)
//   iv  = HKDF-Expand-Label(secret, "quic iv",  "", 12)   ("quicv2 iv")
//   hp  = HKDF-Expand-Label(secret, "quic hp",  "", 16)   ("quicv2 hp")
//
// HKDF-Expand-Label is TLS 1.3's (RFC 8446 section 7.1):
//   HKDF-Expand(Secret, HkdfLabel, Length), HkdfLabel = uint16 Length ||
//   opaque label<7..255> = "tls13 " + Label || opaque context<0..255> = Context.

/// Which endpoint's Initial keys.
public enum QUICEndpoint: Sendable, Equatable {
    case client, server
}

/// The AEAD key, IV and header-protection key of one endpoint's Initial packets.
public struct QUICInitialKeys: Sendable {
    /// `client_initial_secret` / `server_initial_secret` (32 bytes).
    public let secret: [UInt8]
    /// AES-128-GCM key (16 bytes).
    public let key: [UInt8]
    /// AEAD IV (12 bytes); the nonce is this XOR the packet number (RFC 9001 section 5.3).
    public let iv: [UInt8]
    /// Header-protection key (16 bytes, AES-128).
    public let headerProtectionKey: [UInt8]
    // SymmetricKey is not Sendable in swift-crypto 3.x: keep bytes, make keys when used.
    var aeadKey: SymmetricKey { SymmetricKey(data: key) }
    var hpKey: SymmetricKey { SymmetricKey(data: headerProtectionKey) }

    /// Derives the Initial keys from the Destination Connection ID of the client's first
    /// Initial packet (RFC 9001 section 5.2).
    /// - Parameters:
    ///   - destinationConnectionID: the client's first DCID (any length; RFC 9000 requires >= 8
    ///     bytes from a client, but the derivation does not care).
    ///   - version: v1 or v2 (salt and labels).
    ///   - endpoint: whose packets the keys protect.
    public init(destinationConnectionID: [UInt8], version: QUICVersion, endpoint: QUICEndpoint = .client) {
        let initialSecret = HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: destinationConnectionID),
                                                 salt: version.initialSalt)
        let secretKey = Self.expandLabel(initialSecret, endpoint == .client ? "client in" : "server in", length: 32)
        let labels = version.labels
        secret = secretKey.withUnsafeBytes { Array($0) }
        key = Self.expandLabel(secretKey, labels.key, length: 16).withUnsafeBytes { Array($0) }
        iv = Self.expandLabel(secretKey, labels.iv, length: 12).withUnsafeBytes { Array($0) }
        headerProtectionKey = Self.expandLabel(secretKey, labels.hp, length: 16).withUnsafeBytes { Array($0) }
    }

    /// HKDF-Expand-Label with an empty context (RFC 8446 section 7.1).
    static func expandLabel<PRK: ContiguousBytes>(_ secret: PRK, _ label: String, length: Int) -> SymmetricKey {
        let full = Array(("tls13 " + label).utf8)
        var info: [UInt8] = [UInt8(length >> 8), UInt8(length & 0xff), UInt8(full.count)]
        info += full
        info.append(0)  // context length 0
        return HKDF<SHA256>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
    }

    /// The 5-byte header-protection mask for a 16-byte `sample`: the first 5 bytes of
    /// AES-ECB(hp, sample) (RFC 9001 section 5.4.3). Nil when `sample` is not 16 bytes.
    public func headerProtectionMask(sample: UnsafeRawBufferPointer) -> [UInt8]? {
        guard sample.count == 16 else { return nil }
        var block = Array(sample)
        do { try AES.permute(&block, key: hpKey) } catch { return nil }
        return Array(block.prefix(5))
    }

    /// The AEAD nonce: the IV XOR the packet number, left-padded to 12 bytes (RFC 9001 section 5.3).
    public func nonce(packetNumber: UInt64) -> [UInt8] {
        var n = iv
        for i in 0..<8 { n[11 - i] ^= UInt8(truncatingIfNeeded: packetNumber >> UInt64(8 * i)) }
        return n
    }

    /// Opens an AES-128-GCM protected payload (ciphertext followed by the 16-byte tag),
    /// authenticating `header` (the unprotected header through the packet number,
    /// RFC 9001 section 5.3). Nil when the tag does not verify or the input is shorter than a tag.
    public func open(_ ciphertextAndTag: UnsafeRawBufferPointer, packetNumber: UInt64, header: [UInt8]) -> [UInt8]? {
        guard ciphertextAndTag.count >= 16 else { return nil }
        let split = ciphertextAndTag.count - 16
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce(packetNumber: packetNumber)),
                                            ciphertext: UnsafeRawBufferPointer(rebasing: ciphertextAndTag[0..<split]),
                                            tag: UnsafeRawBufferPointer(rebasing: ciphertextAndTag[split...]))
            return Array(try AES.GCM.open(box, using: aeadKey, authenticating: header))
        } catch {
            return nil
        }
    }
}
