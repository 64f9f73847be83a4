import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

/// The topology CSV reader (`CSVScanner`, `DecimalText`, `CSVPairImporter`) on inputs built
/// here: RFC 4180 quoting, line ends, BOM, the errors it must name, and the id index.
@Suite struct CSVScannerTests {
    /// Every record of `text` as strings, or the error.
    func records(_ text: String) throws -> [[String]] {
        try records(Array(text.utf8))
    }

    func records(_ bytes: [UInt8]) throws -> [[String]] {
        try bytes.withUnsafeBytes { raw in
            var s = CSVScanner(bytes: raw, file: "t.csv")
            var out: [[String]] = []
            while try s.next() { out.append(s.fields.map(s.string)) }
            return out
        }
    }

    func lines(_ text: String) throws -> [Int] {
        try Array(text.utf8).withUnsafeBytes { raw in
            var s = CSVScanner(bytes: raw, file: "t.csv")
            var out: [Int] = []
            while try s.next() { out.append(s.recordLine) }
            return out
        }
    }

    @Test func rfc4180Quoting() throws {
        // Doubled quotes, a quoted comma, a quoted CRLF and LF, an empty quoted field, a literal
        // quote inside an unquoted field, an empty last field.
        let text = "a,\"b \"\"q\"\" c\",\"x,y\"\r\n\"line1\r\nline2\",\"\",mid\"dle,\n1,2,\n"
        #expect(try records(text) == [["a", "b \"q\" c", "x,y"], ["line1\r\nline2", "", "mid\"dle", ""], ["1", "2", ""]])
        // Physical lines: the quoted CRLF moves the third record to line 4.
        #expect(try lines(text) == [1, 2, 4])
    }

    /// Random fields (commas, quotes, CR, LF, UTF-8) quoted as RFC 4180 says, joined with random
    /// line ends, read back exactly; random bytes either read or throw, never crash.
    @Test func randomRoundTripAndRandomBytes() throws {
        var rng = SplitMix64(seed: 7)
        let alphabet: [String] = ["a", "Z", "0", ",", "\"", "\r", "\n", " ", "é", "西", "\t", ";"]
        for _ in 0..<300 {
            var rows: [[String]] = []
            var text = ""
            for _ in 0..<(1 + Int(rng.next() % 5)) {
                var row: [String] = []
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    row.append((0..<Int(rng.next() % 6)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined())
                }
                // A record of one empty field is a blank line, which holds no record.
                if row == [""] { row = ["x"] }
                rows.append(row)
                text += row.map { f in
                    // Scalars, not Characters: "\r\n" is one Character in Swift.
                    f.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) || f.isEmpty && rng.next() % 2 == 0
                        ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
                }.joined(separator: ",")
                text += ["\n", "\r\n", "\r"][Int(rng.next() % 3)]
            }
            #expect(try records(text) == rows, "\(text.debugDescription)")
        }
        for _ in 0..<2_000 {
            let bytes = (0..<Int(rng.next() % 40)).map { _ in [0x22, 0x2c, 0x0a, 0x0d, 0x61, 0xff][Int(rng.next() % 6)] as UInt8 }
            do { _ = try records(bytes) } catch is TopologyImportError {}
        }
    }

    @Test func lineEndsBlankLinesAndBOM() throws {
        #expect(try records("a,b\r\nc,d\re,f\ng,h") == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]])
        #expect(try lines("a\n\n\r\nb\n") == [1, 4])
        #expect(try records([0xEF, 0xBB, 0xBF] + Array("id,x\n1,2\n".utf8)) == [["id", "x"], ["1", "2"]])
        #expect(try records("").isEmpty)
        #expect(try records("\n\n").isEmpty)
    }

    @Test func unterminatedQuoteNamesLineAndColumn() throws {
        do {
            _ = try records("id,name\n1,ok\n2,\"never closed\n3,x\n")
            Issue.record("an unterminated quote must be an error")
        } catch let e as TopologyImportError {
            #expect(e.location == "line 3, column 3" && e.reason.contains("unterminated quoted field"), "\(e)")
        }
        do {
            _ = try records("a,\"b\"c\n")
            Issue.record("text after a closing quote must be an error")
        } catch let e as TopologyImportError {
            #expect(e.location == "line 1, column 6" && e.reason.contains("after a closing quote"), "\(e)")
        }
        // Columns count characters, not bytes: "é" is two bytes, one column.
        do { _ = try records("é,\"x") } catch let e as TopologyImportError { #expect(e.location == "line 1, column 3", "\(e)") }
    }

    /// The fast path is bit-identical to Swift's `Double(String)` (Clinger's exact case), and
    /// everything else falls back to it.
    @Test func decimalsMatchSwiftsParser() {
        var rng = SplitMix64(seed: 42)
        var texts = ["0", "-0", "1.", ".5", "+3", "1e22", "1e23", "9007199254740993", "4.35", "0.1", "1e-22", "123456.789e-3",
                     "inf", "nan", "-inf", "0x1p3", "1e400", "", ".", "-", "1e", "1.2.3", "12a", " 1", "1_000"]
        for _ in 0..<20_000 {
            let int = rng.next() % 1_000_000_000, frac = rng.next() % 1_000_000
            let e = Int(rng.next() % 50) - 25
            texts.append("\(rng.next() % 2 == 0 ? "-" : "")\(int).\(frac)")
            texts.append("\(int)e\(e)")
        }
        for t in texts {
            let fast = Array(t.utf8).withUnsafeBytes { DecimalText.double($0) }
            let swift = Double(t)
            #expect(fast?.bitPattern == swift?.bitPattern || (fast?.isNaN == true && swift?.isNaN == true), "\(t): \(String(describing: fast)) vs \(String(describing: swift))")
        }
        #expect(Array("007".utf8).withUnsafeBytes { DecimalText.canonicalInteger($0) } == nil)
        #expect(Array("0".utf8).withUnsafeBytes { DecimalText.canonicalInteger($0) } == 0)
        #expect(Array("1234".utf8).withUnsafeBytes { DecimalText.canonicalInteger($0) } == 1234)
    }

    func pair(_ nodes: String, _ links: String) throws -> String {
        let dir = SharedData.temporaryDirectory("csvscan")
        try nodes.write(to: dir.appendingPathComponent("nodes.csv"), atomically: true, encoding: .utf8)
        try links.write(to: dir.appendingPathComponent("links.csv"), atomically: true, encoding: .utf8)
        return dir.path
    }

    @Test func importerReadsQuotedCRLFAndBOMFiles() throws {
        let nodes = "\u{FEFF}id,name,tier,households,role\r\nB,\"Backbone, north\",backbone,,idc\r\n\"V \"\"1\"\"\",\"two\nlines\",village,12,\r\n"
        let links = "a,b,medium,capacity_mbps,length_km\r\nB,\"V \"\"1\"\"\",Fibre,100,2.5\r\n"
        let t = try CSVPairImporter.load(directory: pair(nodes, links))
        #expect(t.nodes.map(\.id) == ["B", "V \"1\""])
        #expect(t.nodes[0].name == "Backbone, north" && t.nodes[1].name == "two\nlines" && t.nodes[1].households == 12)
        // Unknown columns stay free attributes (roles such as idc reach the model).
        #expect(t.nodes[0].attributes["role"] == "idc")
        #expect(t.links.count == 1 && t.links[0].a == 0 && t.links[0].b == 1 && t.links[0].medium == .fiber && t.links[0].capacityMbps == 100)
    }

    @Test func unterminatedQuoteIsAnErrorNotDroppedRows() throws {
        let dir = try pair("id,tier\nB,backbone\n\"V,village\nW,village\n", "a,b\nB,W\n")
        #expect(throws: TopologyImportError.self) { try CSVPairImporter.load(directory: dir) }
        do { _ = try CSVPairImporter.load(directory: dir) } catch let e as TopologyImportError {
            #expect(e.file.hasSuffix("nodes.csv") && e.location == "line 3, column 1" && e.reason.contains("unterminated"), "\(e)")
        }
    }

    @Test func raggedRowsAreNamedInANote() throws {
        var nodes = "id,tier,households\nB,backbone\n"
        for i in 0..<12 { nodes += "V\(i),village,1,extra\n" }
        let t = try CSVPairImporter.load(directory: pair(nodes, "a,b\nB,V0\n"))
        let note = try #require(t.importNotes.first { $0.contains("field count") })
        // 13 ragged rows (line 2 short, lines 3...14 long); the first 10 line numbers are named.
        #expect(note.contains("13 row(s)") && note.contains("header's 3") && note.contains("lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …"), "\(note)")
        #expect(t.nodes.count == 13 && t.nodes[0].households == 0)
    }

    /// Integer ids use the dense index, other ids the hash table; both refuse duplicates at
    /// the second line and unknown link ends, and both match ids as text ("07" is not "7").
    @Test func idIndexBothWays() throws {
        for (ids, dense) in [(["0", "1", "2"], true), (["n0", "1", "2"], false), (["0", "1", "99999999"], false)] {
            let nodes = "id\n" + ids.joined(separator: "\n") + "\n"
            let t = try CSVPairImporter.load(directory: pair(nodes, "a,b\n\(ids[0]),\(ids[2])\n 1 ,\(ids[2])\n"))
            #expect(t.links.map { [$0.a, $0.b] } == [[0, 2], [1, 2]], "dense=\(dense)")
            do {
                _ = try CSVPairImporter.load(directory: pair(nodes + "1\n", "a,b\n"))
                Issue.record("duplicate id accepted")
            } catch let e as TopologyImportError { #expect(e.location == "line 5" && e.reason.contains("duplicate node id '1'"), "\(e)") }
            do {
                _ = try CSVPairImporter.load(directory: pair(nodes, "a,b\n1,01\n"))
                Issue.record("unknown end accepted")
            } catch let e as TopologyImportError { #expect(e.location == "line 2" && e.reason.contains("b='01'"), "\(e)") }
        }
    }
}
