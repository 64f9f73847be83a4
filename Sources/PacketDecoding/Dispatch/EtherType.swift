/// The 16-bit EtherType of an Ethernet (or cooked, GRE, Geneve, NULL) payload, as in the IEEE
/// EtherType registry; names follow Wireshark's `etypes.h`. Values <= 1500 are IEEE 802.3 lengths,
/// not EtherTypes (IEEE 802.3 clause 3.2.6).
public enum EtherType: Hashable, Sendable {
    case ipv4                         // 0x0800
    case arp                          // 0x0806
    case transparentEthernetBridging  // 0x6558 (GRE / Geneve carrying Ethernet, RFC 1701)
    case rarp                         // 0x8035
    case vlan                         // 0x8100 IEEE 802.1Q customer tag
    case ipx                          // 0x8137
    case ipv6                         // 0x86DD
    case ppp                          // 0x880B (enhanced GRE, RFC 2637)
    case mplsUnicast                  // 0x8847 (RFC 3032)
    case mplsMulticast                // 0x8848
    case pppoeDiscovery               // 0x8863 (RFC 2516)
    case pppoeSession                 // 0x8864
    case eapol                        // 0x888E (IEEE 802.1X)
    case qinq                         // 0x88A8 IEEE 802.1ad service tag
    case lldp                         // 0x88CC
    case macsec                       // 0x88E5
    case ptp                          // 0x88F7
    case loopback                     // 0x9000 (Ethernet configuration testing protocol)
    case qinqLegacy                   // 0x9100 (pre-802.1ad vendor QinQ)
    case unknown(UInt16)

    @inlinable public init(rawValue: UInt16) {
        switch rawValue {
        case 0x0800: self = .ipv4
        case 0x0806: self = .arp
        case 0x6558: self = .transparentEthernetBridging
        case 0x8035: self = .rarp
        case 0x8100: self = .vlan
        case 0x8137: self = .ipx
        case 0x86DD: self = .ipv6
        case 0x880B: self = .ppp
        case 0x8847: self = .mplsUnicast
        case 0x8848: self = .mplsMulticast
        case 0x8863: self = .pppoeDiscovery
        case 0x8864: self = .pppoeSession
        case 0x888E: self = .eapol
        case 0x88A8: self = .qinq
        case 0x88CC: self = .lldp
        case 0x88E5: self = .macsec
        case 0x88F7: self = .ptp
        case 0x9000: self = .loopback
        case 0x9100: self = .qinqLegacy
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: UInt16 {
        switch self {
        case .ipv4: 0x0800
        case .arp: 0x0806
        case .transparentEthernetBridging: 0x6558
        case .rarp: 0x8035
        case .vlan: 0x8100
        case .ipx: 0x8137
        case .ipv6: 0x86DD
        case .ppp: 0x880B
        case .mplsUnicast: 0x8847
        case .mplsMulticast: 0x8848
        case .pppoeDiscovery: 0x8863
        case .pppoeSession: 0x8864
        case .eapol: 0x888E
        case .qinq: 0x88A8
        case .lldp: 0x88CC
        case .macsec: 0x88E5
        case .ptp: 0x88F7
        case .loopback: 0x9000
        case .qinqLegacy: 0x9100
        case .unknown(let v): v
        }
    }
}
