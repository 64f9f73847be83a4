import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

/// A CSV file read in pieces (`CSVPairImporter.PiecewiseParse`, cut at line ends on several
/// threads) gives what one pass gives: the same rows, line numbers in notes and errors, text
/// link ends and the id index, for every cut size down to one byte.
@Suite struct CSVPiecesTests {
    /// Writes `text` to a fresh file and returns it opened.
    func input(_ name: String, _ text: String) throws -> InputFile {
        let dir = SharedData.temporaryDirectory("netcensus-pieces")
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return try InputFile(path: url.path)
    }

    /// A nodes file with what a cut could get wrong: CRLF and LF line ends, blank lines, ragged
    /// rows (short and long), an extra column kept as an attribute, repeated and changing
    /// regions and tiers, empty numbers, and (when `textIds`) ids that are not integers.
    func nodesText(rows: Int, textIds: Bool, quoteAt: Int? = nil) -> String {
        var s = "id,name,tier,region,lat,lon,households,ipv6,owner\n"
        for i in 0..<rows {
            let id = textIds && i % 3 == 0 ? "n\(i)" : "\(i)"
            let tier = ["backbone", "county", "village", "hamlet"][i % 7 % 4]
            let region = "P\(i / 9)/C\(i / 4)"
            let hh = i % 5 == 0 ? "" : "\(i * 3)"
            let end = i % 4 == 1 ? "\r\n" : "\n"
            if i == quoteAt { s += "\(id),\"name, with \"\"quotes\"\"\",\(tier),\(region),1.5,2.5,\(hh),1,op\(end)"; continue }
            if i % 11 == 5 { s += "\(id),N\(i),\(tier),\(region),1.0\(end)"; continue }          // short
            if i % 13 == 7 { s += "\(id),N\(i),\(tier),\(region),1,2,3,0,x,extra\(end)"; continue } // long
            s += "\(id),N\(i),\(tier),\(region),\(Double(i) / 100),\(Double(i) / 50),\(hh),\(i % 2),op\(i % 3)\(end)"
            if i % 17 == 3 { s += "\n\r\n" }   // blank lines hold no record but count as lines
        }
        return s
    }

    func linksText(rows: Int, nodes: Int, textIds: Bool) -> String {
        var s = "a,b,medium,capacity_mbps,length_km,ipv6\r\n"
        func end(_ i: Int) -> String { textIds && i % 3 == 0 ? "n\(i)" : "\(i)" }
        for k in 0..<rows {
            let a = k % nodes, b = (k * 7 + 1) % nodes
            let medium = ["fiber", "microwave", "dsl line", ""][k % 4]
            s += "\(end(a)),\(end(b)),\(medium),\(k % 6 == 0 ? "" : "\(k * 10)"),\(Double(k) / 3)\(k % 9 == 4 ? "" : ",1")\r\n"
        }
        return s
    }

    func nodesInPieces(_ f: InputFile, pieceBytes: Int, threads: Int) throws -> CSVPairImporter.NodeTable {
        let parse = try CSVPairImporter.PiecewiseParse<CSVPairImporter.NodePiece>(
            f, known: CSVPairImporter.nodeColumns, pieceBytes: pieceBytes, check: CSVPairImporter.checkNodeHeader)
        ConcurrentStages.run(parse.stages(CSVPairImporter.parseNodeRows), threads: threads)
        return try CSVPairImporter.joinNodes(parse, f)
    }

    func linksInPieces(_ f: InputFile, pieceBytes: Int, threads: Int) throws -> CSVPairImporter.LinkTable {
        let parse = try CSVPairImporter.PiecewiseParse<CSVPairImporter.LinkPiece>(
            f, known: CSVPairImporter.linkColumns, pieceBytes: pieceBytes, check: CSVPairImporter.checkLinkHeader)
        ConcurrentStages.run(parse.stages(CSVPairImporter.parseLinkRows), threads: threads)
        return try CSVPairImporter.joinLinks(parse, f)
    }

    func ranges(_ f: InputFile, pieceBytes: Int) throws -> [Range<Int>] {
        try CSVPairImporter.PiecewiseParse<CSVPairImporter.NodePiece>(
            f, known: CSVPairImporter.nodeColumns, pieceBytes: pieceBytes, check: CSVPairImporter.checkNodeHeader).ranges
    }

    @Test(arguments: [false, true])
    func nodesInPiecesEqualOnePass(textIds: Bool) throws {
        let f = try input("nodes.csv", nodesText(rows: 400, textIds: textIds))
        let whole = try CSVPairImporter.parseNodes(f)
        #expect(whole.nodes.count == 400)
        #expect(!whole.notes.isEmpty)   // the ragged rows are noted, with their lines
        for pieceBytes in [1, 7, 64, 500, 4096] {
            #expect(try ranges(f, pieceBytes: pieceBytes).count > 1)
            let cut = try nodesInPieces(f, pieceBytes: pieceBytes, threads: 3)
            #expect(cut.nodes == whole.nodes, "pieceBytes \(pieceBytes)")
            #expect(cut.notes == whole.notes, "pieceBytes \(pieceBytes)")
            for (k, n) in whole.nodes.enumerated() {
                let end = Int(n.id).map { $0 } ?? -1
                let texts = end >= 0 ? [] : [n.id]
                #expect(cut.index.lookup(end, texts: texts) == k)
            }
        }
    }

    @Test(arguments: [false, true])
    func linksInPiecesEqualOnePass(textIds: Bool) throws {
        let f = try input("links.csv", linksText(rows: 300, nodes: 120, textIds: textIds))
        let whole = try CSVPairImporter.parseLinks(f)
        #expect(whole.links.count == 300)
        for pieceBytes in [1, 9, 100, 1000] {
            let cut = try linksInPieces(f, pieceBytes: pieceBytes, threads: 2)
            #expect(cut.links == whole.links)
            #expect(cut.lines == whole.lines)
            #expect(cut.notes == whole.notes)
            // Text ends re-indexed into one list name the same texts.
            #expect(cut.ends.count == whole.ends.count)
            for i in whole.ends.indices {
                let w = whole.ends[i], c = cut.ends[i]
                if w >= 0 { #expect(c == w) } else { #expect(c < 0 && cut.endTexts[-c - 1] == whole.endTexts[-w - 1]) }
            }
        }
    }

    /// No cut at or after the first `"`: a line feed there may be inside a quoted field.
    @Test func noCutAfterTheFirstQuote() throws {
        let text = nodesText(rows: 200, textIds: false, quoteAt: 60)
        let f = try input("nodes.csv", text)
        let firstQuote = Array(text.utf8).firstIndex(of: 0x22)!
        let r = try ranges(f, pieceBytes: 1)
        #expect(r.count > 10)
        #expect(r.dropLast().allSatisfy { $0.upperBound <= firstQuote })
        #expect(try nodesInPieces(f, pieceBytes: 1, threads: 2).nodes == CSVPairImporter.parseNodes(f).nodes)
    }

    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    /// A bad value in a later piece is reported as one pass reports it: same file, line, reason
    /// (the first bad line of the file, although a later piece also holds one).
    @Test func badValueInALaterPieceNamesTheLineOfOnePass() throws {
        var text = nodesText(rows: 300, textIds: false)
        text = text.replacingOccurrences(of: "\n250,N250,", with: "\n250,N250,village,P1,north,2.0,,1,op\n2500,N250,")
        text = text.replacingOccurrences(of: "\n280,N280,", with: "\n280,,")   // fine: empty name
        text = text.replacingOccurrences(of: "\n290,N290,", with: "\n,N290,")   // empty id, later
        let bad = try input("nodes.csv", text)
        let one = message { try CSVPairImporter.parseNodes(bad) }
        #expect(one.contains("lat 'north' is not a number"), "\(one)")
        #expect(one.contains("line "))
        for pieceBytes in [1, 50, 700] {
            #expect(message { try nodesInPieces(bad, pieceBytes: pieceBytes, threads: 2) } == one)
        }
    }

    /// A duplicate id whose second copy lies in a later piece is named at its true line.
    @Test func duplicateIdAcrossPiecesNamesItsLine() throws {
        let text = nodesText(rows: 300, textIds: false).replacingOccurrences(of: "\n270,N270,", with: "\n12,N270,")
        let bad = try input("nodes.csv", text)
        let one = message { try CSVPairImporter.parseNodes(bad) }
        #expect(one.contains("duplicate node id '12'"), "\(one)")
        for pieceBytes in [1, 50, 700] {
            #expect(message { try nodesInPieces(bad, pieceBytes: pieceBytes, threads: 2) } == one)
        }
    }
}
