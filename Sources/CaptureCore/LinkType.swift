/// The link-layer header type of a capture interface, numbered as in the tcpdump.org
/// LINKTYPE registry (https://www.tcpdump.org/linktypes.html) and spelled as libpcap does.
///
/// Only the 16-bit link type itself lives here; the FCS bits that classic pcap packs into the
/// upper bits of its link-type field are split off by the pcap reader.
public enum LinkType: Hashable, Sendable, CustomStringConvertible {
    case null            // 0: BSD loopback, 4-byte AF_ value in host byte order
    case ethernet        // 1
    case ppp             // 9: PPP with HDLC-like framing optional
    case raw             // 101 (and the historical 12/14 aliases): raw IPv4 or IPv6
    case pppHDLC         // 50: PPP in HDLC-like framing
    case loop            // 108: OpenBSD loopback, AF_ value in network byte order
    case linuxSLL        // 113: Linux cooked capture v1
    case ipv4            // 228
    case ipv6            // 229
    case linuxSLL2       // 276: Linux cooked capture v2
    case unknown(UInt16)

    public init(rawValue: UInt16) {
        switch rawValue {
        case 0: self = .null
        case 1: self = .ethernet
        case 9: self = .ppp
        case 12, 14, 101: self = .raw
        case 50: self = .pppHDLC
        case 108: self = .loop
        case 113: self = .linuxSLL
        case 228: self = .ipv4
        case 229: self = .ipv6
        case 276: self = .linuxSLL2
        default: self = .unknown(rawValue)
        }
    }

    /// The LINKTYPE_ number (101 for every raw-IP alias).
    public var rawValue: UInt16 {
        switch self {
        case .null: 0
        case .ethernet: 1
        case .ppp: 9
        case .raw: 101
        case .pppHDLC: 50
        case .loop: 108
        case .linuxSLL: 113
        case .ipv4: 228
        case .ipv6: 229
        case .linuxSLL2: 276
        case .unknown(let v): v
        }
    }

    /// libpcap's name without the `LINKTYPE_` prefix, e.g. `ETHERNET`, `LINUX_SLL2`.
    public var name: String {
        switch self {
        case .null: "NULL"
        case .ethernet: "ETHERNET"
        case .ppp: "PPP"
        case .raw: "RAW"
        case .pppHDLC: "PPP_HDLC"
        case .loop: "LOOP"
        case .linuxSLL: "LINUX_SLL"
        case .ipv4: "IPV4"
        case .ipv6: "IPV6"
        case .linuxSLL2: "LINUX_SLL2"
        case .unknown(let v): "UNKNOWN_\(v)"
        }
    }

    public var description: String { "LINKTYPE_\(name) (\(rawValue))" }
}
