import CaptureCore

/// Decodes one packet's bytes into a reusable `DecodedPacket` (gopacket DecodingLayerParser style:
/// one decoder per worker, no allocation per packet once warmed up).
///
/// STUB: the decoding work (Link/, Network/, Tunnels/, Transport/, Application/) replaces this body.
public struct PacketDecoder: Sendable {
    public init() {}

    /// Decodes `bytes` captured on `linkType` into `packet` (which is reset first).
    /// - Parameters:
    ///   - bytes: the captured bytes (caplen); decoding never reads past them.
    ///   - linkType: the interface's link type.
    ///   - originalLength: bytes on the wire, to tell snaplen truncation from malformation.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, originalLength: Int,
                                into packet: inout DecodedPacket) {
        packet.reset()
    }
}
