/// The latest races (indices into `HappyEyeballsRaces.races`, at most `capacity`, oldest first)
/// that answered one address to one device. Fixed storage: a new (device, address) pair of a
/// DNS answer allocates nothing (an `[Int]` per pair was one allocation and one release each).
public struct RecentRaces: RandomAccessCollection, Sendable {
    public static let capacity = 4
    var slots: (Int, Int, Int, Int) = (0, 0, 0, 0)
    public private(set) var endIndex = 0
    public var startIndex: Int { 0 }

    public init() {}

    /// Race indices, oldest first (`position` in `0..<count`).
    public subscript(position: Int) -> Int {
        precondition(position >= 0 && position < endIndex, "RecentRaces index out of range")
        switch position {
        case 0: return slots.0
        case 1: return slots.1
        case 2: return slots.2
        default: return slots.3
        }
    }

    /// Appends `race` unless it is already the latest; past `capacity` the oldest goes.
    mutating func note(_ race: Int) {
        guard last != race else { return }
        switch endIndex {
        case 0: slots.0 = race
        case 1: slots.1 = race
        case 2: slots.2 = race
        case 3: slots.3 = race
        default: slots = (slots.1, slots.2, slots.3, race); return
        }
        endIndex += 1
    }
}
