import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

/// `cannotOpen` (CLI exit 66 vs 65) comes from the error's stored `kind`, set where it is
/// thrown, not from matching the reason or location text.
@Suite struct ImportErrorKindTests {
    @Test func missingPathIsCannotOpen() throws {
        let missing = SharedData.temporaryDirectory().appendingPathComponent("no-such-topology.graphml").path
        do { _ = try TopologyLoader.load(missing); Issue.record("loaded a missing path") }
        catch let e as TopologyImportError { #expect(e.kind == .cannotOpen && e.cannotOpen) }
    }

    @Test func unreadableGraphMLIsCannotOpen() throws {
        let missing = SharedData.temporaryDirectory().appendingPathComponent("gone.graphml").path
        do { _ = try GraphMLImporter.load(path: missing); Issue.record("read a missing file") }
        catch let e as GraphMLError { #expect(e.kind == .cannotOpen && e.cannotOpen) }
    }

    @Test func kindIsNotInferredFromText() {
        // Same text as an open failure, but thrown as a data error: still 65, not 66.
        #expect(!TopologyImportError(file: "f", location: "path", reason: "cannot open file").cannotOpen)
        #expect(!GraphMLError(file: "f", line: 0, column: 0, reason: "cannot read file: x").cannotOpen)
        #expect(TopologyImportError(file: "f", location: "line 3", reason: "bad", kind: .cannotOpen).cannotOpen)
    }
}
