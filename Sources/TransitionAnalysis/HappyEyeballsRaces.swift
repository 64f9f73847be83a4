import PacketDecoding
import TrafficAnalysis

/// One connection attempt of a race (docs/transition.md "Happy Eyeballs").
public struct RaceAttempt: Sendable, Equatable {
    public var family: IPFamily
    public var mechanism: TransitionMechanism
    /// 6 (TCP) or 17 (UDP 443, QUIC).
    public var transportProtocol: UInt8
    public var responder: IPAddress
    /// First SYN (TCP) or first datagram (UDP), ns.
    public var start: Int64
    /// TCP: the handshake completed (conn_state S1, SF, S2, S3, RSTO, RSTR). UDP: the
    /// responder sent at least one datagram.
    public var established: Bool
    /// TCP: first SYN + tshark's initial RTT (SYN -> SYN-ACK -> ACK); UDP: the start. nil when
    /// not established.
    public var completedAt: Int64?
    /// Transport payload bytes both ways.
    public var payloadBytes: UInt64
    public var state: ConnState
    public var connectionID: UInt64
}

/// The lookups and attempts of one device for one name (docs/transition.md "Happy Eyeballs").
public struct RaceState: Sendable {
    public var device: DeviceKey
    public var name: String
    /// The first query (or, without one, the first response) of the race, ns.
    public var start: Int64
    public var aQuery: Int64?, aAnswer: Int64?, aaaaQuery: Int64?, aaaaAnswer: Int64?
    /// A and AAAA addresses answered in this race (at most 16 of each).
    public var aAddresses: [IPAddress] = []
    public var aaaaAddresses: [IPAddress] = []
    public var attempts: [RaceAttempt] = []
    public var droppedAttempts = 0
    public static let maxAddresses = 16
    public static let maxAttempts = 32
}

/// What one race came to.
public struct RaceResult: Sendable, Equatable {
    public var device: DeviceKey
    public var name: String
    public var start: Int64
    public var aQuery: Int64?, aAnswer: Int64?, aaaaQuery: Int64?, aaaaAnswer: Int64?
    public var aAnswered: Int, aaaaAnswered: Int
    /// AAAA answers inside a NAT64 prefix (DNS64).
    public var aaaaSynthesized: Int
    public var attemptsV4: Int, attemptsV6: Int
    public var quicAttemptsV4: Int, quicAttemptsV6: Int
    public var firstAttemptV4: Int64?, firstAttemptV6: Int64?
    public var firstFamily: IPFamily?
    /// First IPv6 attempt -> first IPv4 attempt, when IPv6 went first and IPv4 followed (ns).
    public var connectionAttemptDelay: Int64?
    /// A answer -> first attempt, when the client asked AAAA and the A answer came first (ns).
    public var resolutionDelay: Int64?
    public var firstHandshakeFamily: IPFamily?
    public var dataFamily: IPFamily?
    public var winner: IPFamily?
    /// An IPv6 attempt never completed and an IPv4 attempt did.
    public var fallback: Bool
    /// Both families completed and the client reset the loser (conn_state RSTO).
    public var loserResetByClient: Bool
    /// A and non-synthesized AAAA both answered.
    public var dualStackEligible: Bool
}

/// Reconstructs RFC 8305 races passively from DNS transactions and connection records.
/// Per-record state (not per packet): races in an array capped at `maxRaces`, looked up by
/// (device, name) and by (device, answered address) through Swift dictionaries on the record
/// path only; overflow is counted in `droppedRaces`.
public struct HappyEyeballsRaces: Sendable {
    struct RaceKey: Hashable { var device: DeviceKey; var name: String }
    struct AddressKey: Hashable { var device: DeviceKey; var address: IPAddress }

    public private(set) var races: [RaceState] = []
    var current: [RaceKey: Int] = [:]
    var byAddress: [AddressKey: RecentRaces] = [:]
    public private(set) var droppedRaces: UInt64 = 0
    public let window: Int64
    public let maxRaces: Int

    public init(window: Int64, maxRaces: Int) { self.window = window; self.maxRaces = maxRaces }

    /// Adds one A or AAAA transaction of `device` (answers already filtered to the question's type).
    public mutating func add(_ t: DNSTransaction, device: DeviceKey, addresses: [IPAddress]) {
        guard let time = t.queryTimestamp ?? t.responseTimestamp else { return }
        let key = RaceKey(device: device, name: t.qname)
        var index: Int
        // Transactions finish in response order, so a query sent before the race's current start
        // (answered later) still joins it: within the window either side of the start.
        if let i = current[key], time.distance(saturatingTo: races[i].start) <= window {
            index = i
        } else {
            guard races.count < maxRaces else { droppedRaces &+= 1; return }
            index = races.count
            races.append(RaceState(device: device, name: t.qname, start: time))
            current[key] = index
        }
        races[index].start = min(races[index].start, time)
        let answered = t.status == .answered ? t.responseTimestamp : nil
        if t.qtype == 1 {
            if let q = t.queryTimestamp, races[index].aQuery.map({ q < $0 }) ?? true { races[index].aQuery = q }
            if let r = answered, races[index].aAnswer.map({ r < $0 }) ?? true { races[index].aAnswer = r }
        } else {
            if let q = t.queryTimestamp, races[index].aaaaQuery.map({ q < $0 }) ?? true { races[index].aaaaQuery = q }
            if let r = answered, races[index].aaaaAnswer.map({ r < $0 }) ?? true { races[index].aaaaAnswer = r }
        }
        for a in addresses {
            if a.family == .v4 {
                if !races[index].aAddresses.contains(a) && races[index].aAddresses.count < RaceState.maxAddresses { races[index].aAddresses.append(a) }
            } else {
                if !races[index].aaaaAddresses.contains(a) && races[index].aaaaAddresses.count < RaceState.maxAddresses { races[index].aaaaAddresses.append(a) }
            }
            // In place: a copy taken out and stored back hashed the key twice and copied the list.
            byAddress[AddressKey(device: device, address: a), default: RecentRaces()].note(index)
        }
    }

    /// The races in which `device` was answered `address` (the latest 4), latest last.
    public func races(of device: DeviceKey, address: IPAddress) -> RecentRaces {
        byAddress[AddressKey(device: device, address: address)] ?? RecentRaces()
    }

    /// Attributes a connection to the latest race that answered its responder to its
    /// originator's device and whose window holds its start. Returns that race's index.
    @discardableResult
    public mutating func add(attempt: RaceAttempt, device: DeviceKey) -> Int? {
        for i in races(of: device, address: attempt.responder).reversed() {
            let r = races[i]
            guard attempt.start >= r.start, r.start.distance(saturatingTo: attempt.start) <= window else { continue }
            if races[i].attempts.count < RaceState.maxAttempts { races[i].attempts.append(attempt) }
            else { races[i].droppedAttempts += 1 }
            return i
        }
        return nil
    }

    /// Evaluates every race (definitions in docs/transition.md).
    public func results(isSynthesized: (IPAddress) -> Bool) -> [RaceResult] {
        races.map { Self.evaluate($0, isSynthesized: isSynthesized) }
    }

    /// `results` in the summary's order: by (start, name, device) ascending, equal keys kept in
    /// their input order (what a stable sort on that tuple gives). Races are created in DNS
    /// order, so the input is mostly in order already: a pass that finds no inversion returns
    /// it as it is; otherwise indices are sorted on the precomputed starts, names and devices
    /// compared only on equal starts (sorting the ~200-byte results by a tuple comparator
    /// moved and retained whole results: 67 M instructions for 5,133 races).
    static func inSummaryOrder(_ results: [RaceResult]) -> [RaceResult] {
        let starts = results.map(\.start)
        func before(_ i: Int, _ j: Int) -> Bool {
            if starts[i] != starts[j] { return starts[i] < starts[j] }
            if results[i].name != results[j].name { return results[i].name < results[j].name }
            if results[i].device < results[j].device { return true }
            if results[j].device < results[i].device { return false }
            return i < j
        }
        if !results.indices.dropFirst().contains(where: { before($0, $0 - 1) }) { return results }
        var order = Array(results.indices)
        order.sort(by: before)
        return order.map { results[$0] }
    }

    static func evaluate(_ r: RaceState, isSynthesized: (IPAddress) -> Bool) -> RaceResult {
        evaluate(r, synthesized: r.aaaaAddresses.count(where: isSynthesized))
    }

    /// `evaluate` given how many of the race's AAAA answers are synthesized.
    static func evaluate(_ r: RaceState, synthesized: Int) -> RaceResult {
        let v4 = r.attempts.filter { $0.family == .v4 }, v6 = r.attempts.filter { $0.family == .v6 }
        let first4 = v4.map(\.start).min(), first6 = v6.map(\.start).min()
        var firstFamily: IPFamily? = nil
        if let a = first6, let b = first4 { firstFamily = a <= b ? .v6 : .v4 }
        else if first6 != nil { firstFamily = .v6 } else if first4 != nil { firstFamily = .v4 }
        var cad: Int64? = nil
        if let a = first6, let b = first4, a <= b { cad = a.distance(saturatingTo: b) }
        var rd: Int64? = nil
        if r.aaaaQuery != nil, let aAns = r.aAnswer, r.aaaaAnswer.map({ aAns < $0 }) ?? true,
           let firstAttempt = [first4, first6].compactMap({ $0 }).min(), firstAttempt >= aAns {
            rd = aAns.distance(saturatingTo: firstAttempt)
        }
        let done = r.attempts.filter(\.established)
        let firstDone = done.min { ($0.completedAt ?? .max, $0.start) < ($1.completedAt ?? .max, $1.start) }
        let carrier = done.filter { $0.payloadBytes > 0 }.max { ($0.payloadBytes, $1.start) < ($1.payloadBytes, $0.start) }
        let winner = carrier?.family ?? firstDone?.family
        let v6Done = v6.contains(where: \.established), v4Done = v4.contains(where: \.established)
        let fallback = !v6.isEmpty && !v6Done && v4Done
        var loserReset = false
        if v6Done && v4Done, let w = winner {
            loserReset = r.attempts.contains { $0.family != w && $0.established && $0.state == .rsto }
        }
        return RaceResult(
            device: r.device, name: r.name, start: r.start,
            aQuery: r.aQuery, aAnswer: r.aAnswer, aaaaQuery: r.aaaaQuery, aaaaAnswer: r.aaaaAnswer,
            aAnswered: r.aAddresses.count, aaaaAnswered: r.aaaaAddresses.count, aaaaSynthesized: synthesized,
            attemptsV4: v4.count, attemptsV6: v6.count,
            quicAttemptsV4: v4.filter { $0.transportProtocol == 17 }.count,
            quicAttemptsV6: v6.filter { $0.transportProtocol == 17 }.count,
            firstAttemptV4: first4, firstAttemptV6: first6, firstFamily: firstFamily,
            connectionAttemptDelay: cad, resolutionDelay: rd,
            firstHandshakeFamily: firstDone?.family, dataFamily: carrier?.family, winner: winner,
            fallback: fallback, loserResetByClient: loserReset,
            dualStackEligible: !r.aAddresses.isEmpty && r.aaaaAddresses.count > synthesized)
    }
}

extension Int64 {
    /// |other - self| without overflow: capture timestamps can be anything a file says
    /// (Int64.min and Int64.max ns included), and a trap here ended the whole run (found by
    /// adversarial testing: an A lookup at Int64.min and the AAAA lookup at 2023).
    @inlinable func distance(saturatingTo other: Int64) -> Int64 {
        let (d, overflow) = other.subtractingReportingOverflow(self)
        if overflow { return .max }
        return d == .min ? .max : Swift.abs(d)
    }
}
