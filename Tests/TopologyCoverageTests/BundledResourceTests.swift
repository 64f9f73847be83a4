import BundledResources
import Testing
@testable import TopologyCoverage

/// `BundledResource.besideExecutable`: the shipped files are found in the resource bundle beside
/// the running executable (here the test runner in .build/<config>/, where SwiftPM puts the
/// bundles), without `Bundle.main`; anything else is left to `Bundle.module`.
@Suite struct BundledResourceTests {
    #if os(Linux)
    @Test func shippedFilesAreFoundBesideTheExecutable() throws {
        let bundle = TopologyCoverageResources.bundle
        let path = try #require(BundledResource.besideExecutable(bundle: bundle, "Resources/target-profiles.json"))
        #expect(path.hasSuffix("/\(bundle).resources/Resources/target-profiles.json"))
        // The file found directly is the one the catalog loads (same profiles, same order).
        #expect(try TargetCatalog.load(path: path).profiles.map(\.name) == TargetCatalog.bundled().profiles.map(\.name))
        #expect(BundledResource.besideExecutable(bundle: bundle, "Resources/plan-costs.json") != nil)
    }
    #endif

    @Test func missingFilesAndDirectoriesAreNotFound() {
        let bundle = TopologyCoverageResources.bundle
        #expect(BundledResource.besideExecutable(bundle: bundle, "Resources/no-such-file.json") == nil)
        // A directory is not a resource file.
        #expect(BundledResource.besideExecutable(bundle: bundle, "Resources") == nil)
        #expect(BundledResource.besideExecutable(bundle: "NoSuchPackage_NoSuchTarget", "Resources/target-profiles.json") == nil)
    }
}
