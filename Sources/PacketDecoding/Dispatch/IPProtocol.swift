/// An IPv4 protocol / IPv6 next header number (IANA "Assigned Internet Protocol Numbers");
/// names follow Wireshark's `ipproto.h`.
public enum IPProtocol: Hashable, Sendable {
    case hopByHopOptions     // 0  (RFC 8200 section 4.3)
    case icmp                // 1
    case igmp                // 2
    case ipv4                // 4  (IPv4 encapsulation, RFC 2003 / RFC 2473)
    case tcp                 // 6
    case udp                 // 17
    case ipv6                // 41 (RFC 4213 / RFC 2473)
    case routing             // 43 (RFC 8200 section 4.4)
    case fragment            // 44 (RFC 8200 section 4.5)
    case gre                 // 47 (RFC 2784)
    case esp                 // 50 (RFC 4303)
    case ah                  // 51 (RFC 4302)
    case icmpv6              // 58 (RFC 4443)
    case noNextHeader        // 59
    case destinationOptions  // 60 (RFC 8200 section 4.6)
    case mobility            // 135 (RFC 6275)
    case hip                 // 139 (RFC 7401)
    case shim6               // 140 (RFC 5533)
    case unknown(UInt8)

    // Always inlined: the decoder switches on `IPProtocol(rawValue:)` at every IP header, and
    // an outlined copy of this switch cost ~18 instructions a packet (callgrind) where the inlined
    // one folds into the caller's switch.
    @inlinable @inline(__always) public init(rawValue: UInt8) {
        switch rawValue {
        case 0: self = .hopByHopOptions
        case 1: self = .icmp
        case 2: self = .igmp
        case 4: self = .ipv4
        case 6: self = .tcp
        case 17: self = .udp
        case 41: self = .ipv6
        case 43: self = .routing
        case 44: self = .fragment
        case 47: self = .gre
        case 50: self = .esp
        case 51: self = .ah
        case 58: self = .icmpv6
        case 59: self = .noNextHeader
        case 60: self = .destinationOptions
        case 135: self = .mobility
        case 139: self = .hip
        case 140: self = .shim6
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: UInt8 {
        switch self {
        case .hopByHopOptions: 0
        case .icmp: 1
        case .igmp: 2
        case .ipv4: 4
        case .tcp: 6
        case .udp: 17
        case .ipv6: 41
        case .routing: 43
        case .fragment: 44
        case .gre: 47
        case .esp: 50
        case .ah: 51
        case .icmpv6: 58
        case .noNextHeader: 59
        case .destinationOptions: 60
        case .mobility: 135
        case .hip: 139
        case .shim6: 140
        case .unknown(let v): v
        }
    }
}
