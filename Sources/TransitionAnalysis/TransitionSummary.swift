import PacketDecoding
import TrafficAnalysis

/// The transition figures of a capture (or of several read one after another through one
/// `TransitionAnalyzer`), as computed at the end. Definitions: docs/transition.md.
public struct TransitionSummary: Sendable {
    public struct MechanismRow: Sendable, Equatable {
        public var mechanism: TransitionMechanism
        public var packets: UInt64, bytes: UInt64, connections: UInt64, devices: Int
    }
    public struct Share: Sendable, Equatable {
        /// Native IPv6 (every IPv6 mechanism except NAT64 and 464XLAT).
        public var ipv6: UInt64 = 0
        /// NAT64 + 464XLAT.
        public var translated: UInt64 = 0
        /// IPv4 (native and DS-Lite).
        public var ipv4: UInt64 = 0
        public var total: UInt64 { ipv6 + translated + ipv4 }
        public var ipv6Share: Double? { total == 0 ? nil : Double(ipv6) / Double(total) }
        public var translatedShare: Double? { total == 0 ? nil : Double(translated) / Double(total) }
    }
    public struct Preference: Sendable, Equatable {
        /// Connections to names with A and non-synthesized AAAA answers.
        public var eligibleConnections = 0
        public var ipv6 = 0, ipv4 = 0, translated = 0
        public var share: Double? { eligibleConnections == 0 ? nil : Double(ipv6) / Double(eligibleConnections) }
    }
    public struct Destinations: Sendable, Equatable {
        public var namesLookedUp = 0
        /// Names with at least one non-synthesized AAAA answer ("IPv6-enabled destinations").
        public var withAAAA = 0
        /// Names whose AAAA question was answered without AAAA records (and none with).
        public var aaaaEmpty = 0
        /// Names whose only AAAA answers were synthesized (DNS64).
        public var aaaaSynthesizedOnly = 0
        /// Names with AAAA that devices reached over IPv4 only.
        public var reachedOnlyOverIPv4DespiteAAAA = 0
        public var synthesizedAAAAAnswers = 0
    }
    public struct HappyEyeballs: Sendable, Equatable {
        /// Races with at least one attempt.
        public var races = 0
        public var dualStackEligibleRaces = 0
        public var racesBothFamiliesAttempted = 0
        public var ipv6First = 0, ipv4First = 0
        public var ipv6Won = 0, ipv4Won = 0
        public var racesWithIPv6Attempt = 0
        public var fallbacks = 0
        public var loserResetByClient = 0
        public var attemptsV4 = 0, attemptsV6 = 0, quicAttemptsV4 = 0, quicAttemptsV6 = 0
        /// Nearest-rank distributions (ms).
        public var connectionAttemptDelay = DurationDistribution()
        public var resolutionDelay = DurationDistribution()
        public var brokenIPv6Devices = 0
        /// Lookups (races) with no attempt.
        public var lookupsWithoutAttempt = 0
        public var ipv6WonShare: Double? { ipv6Won + ipv4Won == 0 ? nil : Double(ipv6Won) / Double(ipv6Won + ipv4Won) }
        public var fallbackRate: Double? { racesWithIPv6Attempt == 0 ? nil : Double(fallbacks) / Double(racesWithIPv6Attempt) }
    }
    public struct AddressRow: Sendable, Equatable {
        public var address: IPAddress
        /// For IPv6 non-link-local addresses.
        public var interfaceID: InterfaceIDClass?
        public var first: Int64?, last: Int64?
    }
    public struct DeviceRow: Sendable, Equatable {
        public var label: String
        public var key: DeviceKey
        public var stack: DeviceStackClass
        public var usesIPv6: Bool
        public var usesIPv6Natively: Bool
        public var addresses: [AddressRow]
        public var ipv4Addresses: Int, ipv6Addresses: Int, ipv6LinkLocal: Int
        public var eui64: Int, stable: Int, temporary: Int
        public var connectionsV4: Int, connectionsV6: Int, connectionsTranslated: Int
        public var mechanisms: [TransitionMechanism]
        public var eligibleConnections: Int, eligibleIPv6: Int
        public var brokenIPv6: Bool
    }
    public struct NameRow: Sendable, Equatable {
        public var name: String
        public var aAnswers: Int, aaaaAnswers: Int, aaaaSynthesized: Int, aaaaEmptyAnswers: Int
        public var connectionsV4: Int, connectionsV6: Int, connectionsTranslated: Int
        public var dualStackEligible: Bool
    }
    public struct Devices: Sendable, Equatable {
        public var devices = 0
        public var dualStack = 0, ipv4Only = 0, ipv6Only = 0, localOnly = 0
        public var usingIPv6 = 0, usingIPv6Natively = 0
        public var routerMACs = 0
        public var ipv6Addresses = 0, eui64 = 0, stable = 0, temporary = 0
    }

    public var mechanisms: [MechanismRow] = []
    public var packets = Share(), bytes = Share(), connections = Share()
    /// Devices: ipv6 = uses native IPv6, translated = uses only translated IPv6, ipv4 = the rest
    /// with an IPv4 connection.
    public var deviceShare = Share()
    public var cgnPackets: UInt64 = 0
    public var cgnOriginators = 0
    public var dsLiteB4AddressedPackets: UInt64 = 0
    public var nonIPPackets: UInt64 = 0
    public var nat64Prefixes: [NAT64Prefix] = []
    public var preference = Preference()
    public var destinations = Destinations()
    public var happyEyeballs = HappyEyeballs()
    public var deviceCounts = Devices()
    public var races: [RaceResult] = []
    public var names: [NameRow] = []
    public var devices: [DeviceRow] = []
    /// Bounded-state overflow, never silent.
    public var droppedRaces: UInt64 = 0, droppedNames: UInt64 = 0, droppedBindings: UInt64 = 0, droppedDevices: UInt64 = 0
    /// Learnt NAT64 prefixes not kept, by cause (refused, evicted, withdrawn, unconfirmed).
    public var nat64Drops = NAT64PrefixDrops()
    /// AAAA answers past the synthesized-answer cap (checked against configured prefixes only).
    public var droppedSynthesizedAnswers: UInt64 = 0
    /// ND, ARP and DHCP messages and claims `DeviceBindings` refused or did not read, by cause.
    public var bindingAnomalies = BindingAnomalies()
    /// RS, RA, NS and NA messages discarded: hop limit not 255 or code not 0 (RFC 4861).
    public var invalidNDMessages: UInt64 = 0
    /// PREF64 options outside Router Advertisements, not used (RFC 8781 section 4).
    public var pref64OutsideRA: UInt64 = 0
    /// ipv4only.arpa AAAA answers that taught nothing: the well-known address at more than one
    /// position, not resolved by the other answers (RFC 7050 section 3).
    public var ipv4onlyAmbiguous: UInt64 = 0
    /// Packets stamped earlier than the packet read before them (docs/transition.md "From when
    /// a prefix applies").
    public var backwardTimestamps: UInt64 = 0

    public init() {}

    /// The label of a device key in this summary.
    public func label(of key: DeviceKey) -> String? { devices.first { $0.key == key }?.label }
}
