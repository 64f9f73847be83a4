import CaptureCore
@testable import CaptureFiles
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Directory scans follow symbolic links and name every entry they do not read (issue 7,
/// defect 8: a symlinked capture and an unreadable subdirectory used to vanish silently).
@Suite("capture inputs: directory scans")
struct InputScanTests {
    /// root/
    ///   a.pcap                     regular
    ///   link.pcap -> a.pcap        second path to a.pcap: read once, reported
    ///   elsewhere.pcap -> OUT/x.pcap   symlinked capture outside the tree: read
    ///   sub -> OUT/dir             symlinked directory: walked (OUT/dir/y.pcapng)
    ///   loop -> .                  symlink loop: reported, not walked twice
    ///   dangling.pcap -> missing   reported
    ///   fifo.pcap                  not a regular file: reported
    ///   notes.txt, .hidden.pcap    ignored by design (not a capture name; hidden)
    @Test func symlinksAreFollowedAndEveryEntryNotReadIsNamed() throws {
        let root = SharedData.temporaryDirectory("inputscan").path
        let outside = SharedData.temporaryDirectory("inputscan-out").path
        let fm = FileManager.default
        try fm.createDirectory(atPath: outside + "/dir", withIntermediateDirectories: true)
        for p in [root + "/a.pcap", outside + "/x.pcap", outside + "/dir/y.pcapng", root + "/notes.txt", root + "/.hidden.pcap"] {
            try Data([0xd4, 0xc3, 0xb2, 0xa1]).write(to: URL(fileURLWithPath: p))
        }
        #expect(symlink(root + "/a.pcap", root + "/link.pcap") == 0)
        #expect(symlink(outside + "/x.pcap", root + "/elsewhere.pcap") == 0)
        #expect(symlink(outside + "/dir", root + "/sub") == 0)
        #expect(symlink(".", root + "/loop") == 0)
        #expect(symlink(root + "/missing", root + "/dangling.pcap") == 0)
        #expect(mkfifo(root + "/fifo.pcap", 0o600) == 0)

        let e = CaptureInputs.scan([root])
        #expect(e.files == [root + "/a.pcap", root + "/elsewhere.pcap", root + "/sub/y.pcapng"])
        let problems = Dictionary(uniqueKeysWithValues: e.notRead.map { ($0.path, $0.problem ?? "") })
        #expect(Set(problems.keys) == Set(["link.pcap", "loop", "dangling.pcap", "fifo.pcap"].map { root + "/" + $0 }))
        #expect(problems[root + "/link.pcap"] == "same file as \(root)/a.pcap, read once")
        #expect(problems[root + "/loop"]?.hasPrefix("directory already scanned as \(root)") == true)
        #expect(problems[root + "/dangling.pcap"] == "symbolic link cannot be followed: \(String(cString: strerror(ENOENT)))")
        #expect(problems[root + "/fifo.pcap"] == "not a regular file")
        #expect(e.emptyDirectories.isEmpty)
        // The compatible API returns the files only.
        #expect(try CaptureInputs.expand([root]) == e.files)
    }

    /// A subdirectory that cannot be listed is reported, not skipped. Root reads any directory
    /// whatever its mode, so the permission case runs only for other users; the reported reason
    /// is then strerror(EACCES).
    @Test func unreadableSubdirectoryIsReported() throws {
        let root = SharedData.temporaryDirectory("inputscan-perm").path
        try FileManager.default.createDirectory(atPath: root + "/locked", withIntermediateDirectories: true)
        try Data([0]).write(to: URL(fileURLWithPath: root + "/locked/z.pcap"))
        try Data([0]).write(to: URL(fileURLWithPath: root + "/ok.pcap"))
        #expect(chmod(root + "/locked", 0) == 0)
        defer { chmod(root + "/locked", 0o700) }
        let e = CaptureInputs.scan([root])
        if geteuid() == 0 {
            print("SKIP: running as root, which can list a mode-000 directory; checking that it is read")
            #expect(e.files == [root + "/locked/z.pcap", root + "/ok.pcap"])
            return
        }
        #expect(e.files == [root + "/ok.pcap"])
        #expect(e.notRead == [CaptureInputs.Input(path: root + "/locked", problem: "cannot read directory: \(String(cString: strerror(EACCES)))")])
    }

    /// Missing arguments are inputs with a problem (in argument order), never a thrown error.
    @Test func missingArgumentIsAnInputNotRead() {
        let e = CaptureInputs.scan(["/nonexistent/a.pcap"])
        #expect(e.inputs == [CaptureInputs.Input(path: "/nonexistent/a.pcap", problem: "no such file or directory")])
    }
}
