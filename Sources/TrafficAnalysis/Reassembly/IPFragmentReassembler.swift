import CaptureCore
import PacketDecoding

/// Reassembles IPv4 (RFC 791 section 3.2) and IPv6 (RFC 8200 section 4.5) fragments into whole
/// datagrams, with bounded state, so that a fragmented DNS response is read whole.
///
/// **Key.** IPv4: (source, destination, protocol, identification) as RFC 791 names it. IPv6:
/// (source, destination, identification), RFC 8200 section 4.5; the next header is not part of
/// the key there.
///
/// **Output.** A complete datagram is delivered as raw IP bytes (decode it again with
/// `PacketDecoder.decode(_:linkType: .raw, ...)`), in a buffer reused between deliveries and
/// valid only during the `deliver` call:
/// - IPv4: the first fragment's header (options included) with total length set, MF and the
///   fragment offset cleared (DF kept) and the header checksum recomputed.
/// - IPv6: the first fragment's unfragmentable part (fixed header and the extension headers
///   before the fragment header) with the fragment header removed, the next header field that
///   named it (44) set to the fragment header's next header, and payload length fixed.
/// Only the innermost datagram given is rebuilt; layers outside it (a tunnel, the link header)
/// are not part of the output.
///
/// **Overlaps.** IPv6: RFC 5722 (updating RFC 8200): a datagram with overlapping fragments is
/// discarded, with every fragment of it still to come; an *exact* duplicate (same offset, same
/// length, same bytes) is not an overlap and is ignored, as RFC 8200 section 4.5 allows.
/// IPv4: RFC 791 leaves overlaps to the receiver and stacks differ (first-wins, last-wins,
/// per-OS "target-based" policies); a passive observer cannot know which one the receiving host
/// applied, so any overlap whose bytes **differ** discards the datagram (ambiguous: counted,
/// never guessed), while an overlap with **identical** bytes (a retransmitted or re-fragmented
/// copy) is accepted: every receiver policy yields the same datagram.
///
/// **Bounds.** Every limit is in `Options`; what a limit removes is counted in `Counters`,
/// never lost silently. Timeouts run on packet timestamps (ns), from the first fragment seen.
///
/// Not thread-safe; one reassembler per worker. Work per fragment is O(fragments of that
/// datagram); timeouts and evictions take the oldest datagram from an arrival queue in O(1)
/// amortized time, so a flood of fragments at the caps costs no scans of the table.
public struct IPFragmentReassembler: Sendable {
    public struct Options: Sendable, Equatable {
        /// Lifetime of an incomplete IPv4 datagram: 30 s, Linux `ipfrag_time` (RFC 791 leaves
        /// the timer to the implementation). The receiving host has dropped the fragments by
        /// then, so reassembling later would show a datagram that host never saw.
        public var ipv4TimeoutNanoseconds: Int64 = 30_000_000_000
        /// Lifetime of an incomplete IPv6 datagram: 60 s, RFC 8200 section 4.5 ("within 60
        /// seconds of the reception of the first-arriving fragment"), also Linux `ip6frag_time`.
        public var ipv6TimeoutNanoseconds: Int64 = 60_000_000_000
        /// Datagrams under reassembly at once; at the cap the oldest is evicted. 1,024 covers a
        /// busy resolver's in-flight fragmented responses many times over.
        public var maxDatagrams: Int = 1024
        /// Bytes held in all buffers together; beyond it the oldest datagrams are evicted.
        /// 8 MiB is twice Linux's default `ipfrag_high_thresh` (4 MiB per namespace).
        public var maxBufferedBytes: Int = 8 << 20
        /// Largest reassembled fragmentable part accepted (bytes). IPv4 total length and IPv6
        /// payload length are 16-bit, so nothing larger than 65,535 can be valid.
        public var maxDatagramLength: Int = 65_535
        /// Fragments kept per datagram. A 65,535-byte datagram in 1,232-byte fragments is 54;
        /// a sender cutting 8-byte fragments to exhaust state is stopped here.
        public var maxFragmentsPerDatagram: Int = 128

        public init() {}
    }

    /// What happened to fragments and datagrams. Every fragment given is counted once in
    /// `fragments`, every datagram started ends in exactly one of reassembled / timedOut /
    /// evicted / dropped* / incompleteAtFinish.
    public struct Counters: Sendable, Equatable {
        /// Fragments given to `add` (layers with `isFragment`, not ICMP quotes).
        public var fragments: Int = 0
        /// Datagrams delivered whole (IPv6 atomic fragments included).
        public var reassembled: Int = 0
        /// Of which IPv6 atomic fragments (offset 0, M 0; RFC 6946), delivered at once.
        public var atomicFragments: Int = 0
        /// Datagrams still incomplete when their timeout passed.
        public var timedOut: Int = 0
        /// Datagrams evicted because `maxDatagrams` or `maxBufferedBytes` was reached.
        public var evicted: Int = 0
        /// Datagrams discarded for overlapping fragments (the policy above).
        public var droppedOverlap: Int = 0
        /// Datagrams discarded because they would exceed `maxDatagramLength` or the 16-bit
        /// length field, or two last fragments disagreed on the end.
        public var droppedTooLarge: Int = 0
        /// Datagrams discarded for more than `maxFragmentsPerDatagram` fragments.
        public var droppedTooManyFragments: Int = 0
        /// Exact duplicate fragments ignored.
        public var duplicateFragments: Int = 0
        /// Fragments ignored because their datagram had already been discarded.
        public var fragmentsOfDiscarded: Int = 0
        /// Fragments ignored as invalid: MF set with a length not a multiple of 8 or zero
        /// (RFC 8200 section 4.5), offsets outside the captured bytes.
        public var invalidFragments: Int = 0
        /// Fragments whose data the capture cut (snaplen): they cannot be used.
        public var truncatedFragments: Int = 0
        /// Datagrams still incomplete at `finish()`.
        public var incompleteAtFinish: Int = 0

        public init() {}
    }

    /// What `add` did with one packet.
    public enum Outcome: Sendable, Equatable {
        /// The layer is not a fragment (or is an ICMP quote); nothing was done.
        case notFragment
        /// Stored; the datagram is not complete yet.
        case buffered
        /// The datagram was completed and delivered.
        case reassembled
        /// Ignored (duplicate, invalid, cut, or its datagram was discarded) or made its
        /// datagram be discarded; see the counters for why.
        case dropped
    }

    struct Key: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var identification: UInt32
        /// IPv4 protocol; 0 for IPv6 (not part of the RFC 8200 key).
        var protocolNumber: UInt8
    }

    /// One datagram under reassembly.
    struct Partial {
        var family: IPFamily
        var firstSeen: Int64
        var deadline: Int64
        /// Matches this datagram's entry in the arrival queue (stale entries are skipped).
        var generation: UInt64 = 0
        /// IPv4 header / IPv6 unfragmentable part, from the offset-0 fragment (empty before).
        var header: [UInt8] = []
        var haveFirst = false
        /// Fragmentable part; bytes not yet received are zero.
        var data: [UInt8] = []
        /// Received extents of `data`, sorted by start (may overlap only for identical IPv4 bytes).
        var extents: [Range<Int>] = []
        /// Length of the fragmentable part, once the last fragment (MF 0) was seen.
        var totalLength: Int? = nil
        /// Upper protocol of the reassembled payload (IPv6 fragment header next header).
        var nextHeader: UInt8 = 0
        /// Discarded: kept as a tombstone until its deadline so later fragments are dropped too.
        var discarded = false

        var bufferedBytes: Int { header.count + data.count }
    }

    public var options: Options
    public private(set) var counters = Counters()
    private var table: [Key: Partial] = [:]
    private var bufferedBytes = 0
    /// Datagrams in order of their first fragment, one queue per family (their timeouts
    /// differ, so within a queue deadlines follow arrival order for time-ordered input). Removed
    /// or replaced datagrams leave stale entries, skipped by generation. `expire` and eviction
    /// pop from the front: O(1) amortized per datagram, never a scan of the table.
    private var arrivals: [[(key: Key, generation: UInt64)]] = [[], []]
    private var arrivalHeads = [0, 0]
    private var generation: UInt64 = 0
    private var output: [UInt8] = []

    public init(options: Options = Options()) { self.options = options }

    /// Datagrams under reassembly (tombstones of discarded ones included).
    public var datagramsInFlight: Int { table.count }
    /// Bytes currently held in reassembly buffers.
    public var bytesBuffered: Int { bufferedBytes }

    /// Adds the fragment described by `layer` (an entry of `DecodedPacket.ipLayers` decoded from
    /// `bytes`, the record's captured bytes: offsets in `layer` are from their start) seen at
    /// `timestamp` (ns). When this fragment completes its datagram, `deliver` is called once
    /// with the rebuilt datagram (raw IP; valid only during the call; do not touch the
    /// reassembler from inside it). Expires timed-out datagrams first.
    @discardableResult
    public mutating func add(packet bytes: UnsafeRawBufferPointer, layer: IPLayer, timestamp: Int64,
                             deliver: (UnsafeRawBufferPointer) -> Void) -> Outcome {
        guard layer.isFragment, !layer.isICMPQuote, let source = layer.source, let destination = layer.destination else {
            return .notFragment
        }
        counters.fragments += 1
        expire(now: timestamp)

        // Where the fragment's data lies in `bytes`, and how much of it the headers announce.
        let dataStart = layer.fragmentDataOffset
        let headerEnd = layer.family == .v4 ? dataStart : dataStart - 8
        let announced = layer.datagramLength - (dataStart - layer.headerOffset)
        let minimumHeader = layer.family == .v4 ? 20 : 40
        guard layer.headerOffset >= 0, headerEnd - layer.headerOffset >= minimumHeader, dataStart <= bytes.count,
              announced >= 0, layer.fragmentOffset >= 0 else {
            counters.invalidFragments += 1; return .dropped
        }
        guard dataStart + announced <= bytes.count else { counters.truncatedFragments += 1; return .dropped }
        // RFC 8200 section 4.5 / RFC 791: every fragment but the last carries a multiple of 8
        // octets, and a non-last fragment with no data is meaningless.
        if layer.moreFragments && (announced == 0 || announced % 8 != 0) {
            counters.invalidFragments += 1; return .dropped
        }
        let start = layer.fragmentOffset
        let end = start + announced
        let fragmentData = bytes.clampedSlice(from: dataStart, length: announced)
        let headerBytes = bytes.clampedSlice(from: layer.headerOffset, length: headerEnd - layer.headerOffset)

        // RFC 6946: an IPv6 atomic fragment is processed in isolation, never merged with others.
        if layer.family == .v6 && start == 0 && !layer.moreFragments {
            guard rebuild(family: .v6, header: headerBytes, data: fragmentData, nextHeader: layer.fragmentNextHeader) else {
                counters.invalidFragments += 1; return .dropped
            }
            counters.reassembled += 1; counters.atomicFragments += 1
            output.withUnsafeBytes { deliver($0) }
            return .reassembled
        }

        let key = Key(source: source, destination: destination, identification: layer.fragmentIdentification,
                      protocolNumber: layer.family == .v4 ? layer.fragmentNextHeader : 0)
        if table[key] == nil {
            if table.count >= options.maxDatagrams { evictOldest(except: nil) }
            let timeout = layer.family == .v4 ? options.ipv4TimeoutNanoseconds : options.ipv6TimeoutNanoseconds
            generation &+= 1
            table[key] = Partial(family: layer.family, firstSeen: timestamp, deadline: timestamp &+ timeout, generation: generation)
            arrivals[layer.family == .v4 ? 0 : 1].append((key, generation))
        }
        let outcome = insert(key: key, start: start, end: end, last: !layer.moreFragments, data: fragmentData,
                             header: start == 0 ? headerBytes : nil, nextHeader: layer.fragmentNextHeader)
        guard outcome == .buffered else { return outcome }
        // Enforce the byte budget, evicting older datagrams first, then this one if alone too big.
        while bufferedBytes > options.maxBufferedBytes {
            if !evictOldest(except: key) { discard(key, counting: \.evicted); return .dropped }
        }
        guard let p = table[key], isComplete(p) else { return .buffered }
        let ok = p.data.withUnsafeBytes { d in
            p.header.withUnsafeBytes { h in
                rebuild(family: p.family, header: h, data: UnsafeRawBufferPointer(rebasing: d[0..<(p.totalLength ?? 0)]), nextHeader: p.nextHeader)
            }
        }
        remove(key)
        guard ok else { counters.droppedTooLarge += 1; return .dropped }
        counters.reassembled += 1
        output.withUnsafeBytes { deliver($0) }
        return .reassembled
    }

    /// Emits nothing; removes datagrams whose timeout passed at `now` (ns), counting them as
    /// `timedOut` (tombstones of discarded datagrams are dropped without counting again).
    /// O(1) amortized: only the front of each arrival queue is looked at.
    public mutating func expire(now: Int64) {
        for q in 0..<2 {
            while arrivalHeads[q] < arrivals[q].count {
                let (key, gen) = arrivals[q][arrivalHeads[q]]
                if let p = table[key], p.generation == gen {
                    guard p.deadline <= now else { break }
                    if !p.discarded { counters.timedOut += 1 }
                    remove(key)
                }
                arrivalHeads[q] += 1
            }
            compactArrivals(q)
        }
    }

    /// Ends the input: every incomplete datagram is counted in `incompleteAtFinish` and freed.
    public mutating func finish() {
        for p in table.values where !p.discarded { counters.incompleteAtFinish += 1 }
        table.removeAll()
        bufferedBytes = 0
        arrivals = [[], []]
        arrivalHeads = [0, 0]
    }

    // MARK: internals

    /// Stores one fragment of the datagram at `key`, applying the overlap policy.
    private mutating func insert(key: Key, start: Int, end: Int, last: Bool, data: UnsafeRawBufferPointer,
                                 header: UnsafeRawBufferPointer?, nextHeader: UInt8) -> Outcome {
        guard var p = table[key] else { return .dropped }
        if p.discarded { counters.fragmentsOfDiscarded += 1; return .dropped }
        // Size: the fragmentable part (and, for IPv4, with its header) must fit 16-bit lengths.
        let headerAllowance = p.family == .v4 ? (header?.count ?? 20) : 0
        if end > options.maxDatagramLength || end + headerAllowance > 65_535 {
            discard(key, counting: \.droppedTooLarge); return .dropped
        }
        // Two last fragments, or data past a known end, disagree on the length: ambiguous.
        if let total = p.totalLength, end > total || (last && end != total) {
            discard(key, counting: \.droppedTooLarge); return .dropped
        }
        if last, let highest = p.extents.map(\.upperBound).max(), highest > end {
            discard(key, counting: \.droppedTooLarge); return .dropped
        }

        // Overlap policy (see the type's documentation).
        var addsCoverage = p.extents.isEmpty || start == end
        var uncovered = start
        for e in p.extents where e.lowerBound < end && e.upperBound > start {
            if p.family == .v6 {
                let exact = e.lowerBound == start && e.upperBound == end && sameBytes(p.data, at: start, data, count: end - start)
                if exact { counters.duplicateFragments += 1; return .dropped }
                discard(key, counting: \.droppedOverlap); return .dropped
            }
            let lo = max(e.lowerBound, start), hi = min(e.upperBound, end)
            guard sameBytes(p.data, at: lo, UnsafeRawBufferPointer(rebasing: data[(lo - start)..<(hi - start)]), count: hi - lo) else {
                discard(key, counting: \.droppedOverlap); return .dropped
            }
        }
        // Does the fragment add bytes not yet received? (Extents are sorted by start.)
        if !addsCoverage {
            for e in p.extents where e.upperBound > uncovered {
                if e.lowerBound > uncovered { break }
                uncovered = e.upperBound
                if uncovered >= end { break }
            }
            addsCoverage = uncovered < end
        }
        if !addsCoverage && !(last && p.totalLength == nil) && !(header != nil && !p.haveFirst) {
            counters.duplicateFragments += 1; return .dropped
        }
        guard p.extents.count < options.maxFragmentsPerDatagram else {
            discard(key, counting: \.droppedTooManyFragments); return .dropped
        }

        let before = p.bufferedBytes
        table[key] = nil  // keep the arrays uniquely referenced while they grow
        if end > p.data.count { p.data.append(contentsOf: [UInt8](repeating: 0, count: end - p.data.count)) }
        if end > start {
            p.data.withUnsafeMutableBytes { d in
                UnsafeMutableRawBufferPointer(rebasing: d[start..<end]).copyMemory(from: UnsafeRawBufferPointer(rebasing: data[0..<(end - start)]))
            }
        }
        let at = p.extents.firstIndex { $0.lowerBound > start } ?? p.extents.count
        p.extents.insert(start..<end, at: at)
        if last { p.totalLength = end }
        if let header, !p.haveFirst {
            p.header = Array(header)
            p.haveFirst = true
            p.nextHeader = nextHeader
        }
        bufferedBytes += p.bufferedBytes - before
        table[key] = p
        return .buffered
    }

    private func sameBytes(_ stored: [UInt8], at offset: Int, _ bytes: UnsafeRawBufferPointer, count: Int) -> Bool {
        guard offset >= 0, offset + count <= stored.count, count <= bytes.count else { return false }
        return stored.withUnsafeBytes { s in
            UnsafeRawBufferPointer(rebasing: s[offset..<(offset + count)]).elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
        }
    }

    /// Complete: first fragment and last fragment seen and no hole in between.
    private func isComplete(_ p: Partial) -> Bool {
        guard p.haveFirst, let total = p.totalLength else { return false }
        var covered = 0
        for e in p.extents {
            if e.lowerBound > covered { return false }
            covered = max(covered, e.upperBound)
        }
        return covered >= total
    }

    /// Writes the datagram into `output`; false when the header cannot be rebuilt or the
    /// result would not fit its 16-bit length field.
    private mutating func rebuild(family: IPFamily, header: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer,
                                  nextHeader: UInt8) -> Bool {
        output.removeAll(keepingCapacity: true)
        output.append(contentsOf: header)
        output.append(contentsOf: data)
        switch family {
        case .v4:
            // RFC 791 section 3.1: total length at 2, flags + offset at 6, checksum at 10.
            let total = output.count
            guard header.count >= 20, total <= 65_535 else { return false }
            output[2] = UInt8(total >> 8); output[3] = UInt8(total & 0xff)
            output[6] &= 0x40  // keep DF, clear MF and the offset's high bits
            output[7] = 0
            output[10] = 0; output[11] = 0
            var sum: UInt32 = 0
            var i = 0
            while i + 1 < header.count { sum &+= UInt32(output[i]) << 8 | UInt32(output[i + 1]); i += 2 }
            while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
            let checksum = ~UInt16(sum)
            output[10] = UInt8(checksum >> 8); output[11] = UInt8(checksum & 0xff)
        case .v6:
            // RFC 8200 section 4.5: the next header field of the last unfragmentable header
            // (the fixed header's at 6, or an extension header's first octet) takes the fragment
            // header's next header; payload length covers everything after the fixed header.
            guard header.count >= 40, output.count - 40 <= 65_535 else { return false }
            var nextHeaderAt = 6
            var offset = 40
            while offset < header.count {
                guard offset + 2 <= header.count else { return false }
                let length = output[nextHeaderAt] == 51 ? (Int(output[offset + 1]) + 2) * 4 : (Int(output[offset + 1]) + 1) * 8
                nextHeaderAt = offset
                offset += length
            }
            guard offset == header.count else { return false }
            output[nextHeaderAt] = nextHeader
            let payload = output.count - 40
            output[4] = UInt8(payload >> 8); output[5] = UInt8(payload & 0xff)
        }
        return true
    }

    /// Turns the datagram into a tombstone (buffers freed) and counts why.
    private mutating func discard(_ key: Key, counting counter: WritableKeyPath<Counters, Int>) {
        guard var p = table[key] else { return }
        counters[keyPath: counter] += 1
        bufferedBytes -= p.bufferedBytes
        p.discarded = true
        p.header = []; p.data = []; p.extents = []
        table[key] = p
    }

    private mutating func remove(_ key: Key) {
        guard let p = table.removeValue(forKey: key) else { return }
        bufferedBytes -= p.bufferedBytes
    }

    /// Evicts the datagram whose first fragment came first (other than `except`); false when
    /// there is none. Looks only at the fronts of the two arrival queues.
    @discardableResult
    private mutating func evictOldest(except: Key?) -> Bool {
        var best: (queue: Int, index: Int, key: Key, time: Int64)? = nil
        for q in 0..<2 {
            // Drop stale entries at the front, then take the first live one that is not `except`.
            while arrivalHeads[q] < arrivals[q].count {
                let (key, gen) = arrivals[q][arrivalHeads[q]]
                if let p = table[key], p.generation == gen { break }
                arrivalHeads[q] += 1
            }
            var i = arrivalHeads[q]
            while i < arrivals[q].count {
                let (key, gen) = arrivals[q][i]
                if key != except, let p = table[key], p.generation == gen {
                    if best == nil || p.firstSeen < best!.time { best = (q, i, key, p.firstSeen) }
                    break
                }
                i += 1
            }
        }
        guard let victim = best else { return false }
        if let p = table[victim.key], !p.discarded { counters.evicted += 1 }
        remove(victim.key)
        if victim.index == arrivalHeads[victim.queue] { arrivalHeads[victim.queue] += 1 }
        compactArrivals(victim.queue)
        return true
    }

    private mutating func compactArrivals(_ q: Int) {
        let head = arrivalHeads[q]
        if head == arrivals[q].count && head > 0 {
            arrivals[q].removeAll(keepingCapacity: true)
            arrivalHeads[q] = 0
        } else if head > 1024 && head * 2 > arrivals[q].count {
            arrivals[q].removeFirst(head)
            arrivalHeads[q] = 0
        }
    }
}
