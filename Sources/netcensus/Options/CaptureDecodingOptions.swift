import ArgumentParser
import PacketDecoding

/// Decoding options shared by the capture subcommands (`summarize`, `live`).
struct CaptureDecodingOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Also count Teredo off UDP port 3544, by strict content only.",
        discussion: """
        By default Teredo is recognised on UDP port 3544 only (RFC 4380; TShark's default). With \
        this flag a UDP datagram on any port is Teredo when, after the optional authentication and \
        origin indication headers, it holds an IPv6 header whose payload length fills the datagram \
        and a 2001::/32 address: relayed client <-> relay data then counts as IPv6.
        """))
    var teredoByContent = false

    /// The decoder configuration these flags select.
    var decoderOptions: DecoderOptions {
        var options = DecoderOptions()
        options.teredoByContent = teredoByContent
        return options
    }
}
