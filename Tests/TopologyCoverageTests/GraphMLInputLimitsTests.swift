import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

/// GraphML of any size and in the encodings libxml2 reads natively (issue 7 items 5 and 10),
/// on documents generated here.
@Suite struct GraphMLInputLimitsTests {
    func document(nodes: Int, labelBytes: Int) -> Data {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
        s += "<key id=\"l\" for=\"node\" attr.name=\"label\"/>\n<graph edgedefault=\"undirected\">\n"
        let filler = String(repeating: "x", count: labelBytes)
        for i in 0..<nodes { s += "<node id=\"n\(i)\"><data key=\"l\">\(i) \(filler)</data></node>\n" }
        for i in 1..<nodes { s += "<edge source=\"n\(i - 1)\" target=\"n\(i)\"/>\n" }
        return Data((s + "</graph>\n</graphml>\n").utf8)
    }

    /// Past 10,000,000 bytes (Foundation's XMLParser refused these as "malformed XML").
    @Test func documentsOverTenMillionBytesRead() throws {
        let data = document(nodes: 200, labelBytes: 60_000)
        #expect(data.count > 12_000_000)
        let t = try GraphMLImporter.parse(data, name: "big")
        #expect(t.nodes.count == 200 && t.links.count == 199)
        #expect(t.nodes[199].name.hasPrefix("199 xxx") && t.nodes[199].name.utf8.count == 60_004)
        // Also from a file (mapped, no copy).
        let f = SharedData.temporaryDirectory("graphml-big").appendingPathComponent("big.graphml")
        try data.write(to: f)
        #expect(try GraphMLImporter.load(path: f.path).nodes.count == 200)
    }

    /// A real parser limit is still enforced, and the error names it.
    @Test func parserLimitsAreKeptAndNamed() {
        let deep = "<graphml><graph>" + String(repeating: "<x>", count: 300) + String(repeating: "</x>", count: 300) + "</graph></graphml>"
        do {
            _ = try GraphMLImporter.parse(Data(deep.utf8), name: "deep")
            Issue.record("300 levels of nesting accepted")
        } catch let e as GraphMLError {
            #expect(e.reason.hasPrefix("malformed XML") && e.reason.contains("Excessive depth in document: 256"), "\(e)")
        } catch { Issue.record("\(error)") }
    }

    /// EBCDIC (declared, or detected from the bytes of "<?xm") and other encodings are refused;
    /// a UTF-8 byte order mark does not hide the declaration.
    @Test func onlyNativeEncodingsAreRead() {
        let body = "<graphml><graph><node id=\"a\"/></graph></graphml>"
        let ebcdicBytes: [UInt8] = [0x4C, 0x6F, 0xA7, 0x94, 0x93, 0x40]   // "<?xml " in EBCDIC
        let cases: [(Data, String)] = [
            (Data(ebcdicBytes + Array(repeating: 0x40, count: 20)), "EBCDIC"),
            (Data("<?xml version=\"1.0\" encoding=\"EBCDIC-CP-US\"?>\(body)".utf8), "declared encoding 'EBCDIC-CP-US' is not supported"),
            (Data([0xEF, 0xBB, 0xBF] + Array("<?xml version=\"1.0\" encoding=\"ebcdic-cp-us\"?>\(body)".utf8)), "declared encoding 'ebcdic-cp-us'"),
            (Data("<?xml version=\"1.0\" encoding=\"UTF-7\"?>\(body)".utf8), "declared encoding 'UTF-7' is not supported"),
            (Data("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\(body)".utf8), "does not match the bytes, which are not UTF-16"),
            (Data([0x00, 0x00, 0x00, 0x3C, 0x00, 0x00, 0x00, 0x3F]), "UCS-4"),
            (utf16("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\(body)", bigEndian: false, bom: true), "does not match the bytes, which are UTF-16"),
        ]
        for (data, reason) in cases {
            do {
                _ = try GraphMLImporter.parse(data, name: "enc")
                Issue.record("accepted: \(reason)")
            } catch let e as GraphMLError {
                #expect(e.line == 1 && e.reason.contains(reason), "\(e)")
            } catch { Issue.record("\(error)") }
        }
        #expect(GraphMLImporter.detectEncoding(Data(ebcdicBytes)) == .ebcdic)
        #expect(GraphMLImporter.detectEncoding(Data("<?xml".utf8)) == .asciiCompatible)
    }

    func utf16(_ s: String, bigEndian: Bool, bom: Bool) -> Data {
        var out: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for u in s.utf16 { out += bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
        return Data(out)
    }

    /// UTF-16 in either byte order, with or without a byte order mark, reads exactly as UTF-8.
    @Test func utf16ReadsLikeUTF8() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-16"?>
        <graphml><key id="l" for="node" attr.name="label"/><key id="t" for="edge" attr.name="LinkType"/><graph>
        <node id="a"><data key="l">Xi'an 西安 𝔾</data></node><node id="b"/>
        <edge source="a" target="b"><data key="t">Fibre</data></edge>
        </graph></graphml>
        """
        let reference = try GraphMLImporter.parse(Data(xml.replacingOccurrences(of: "UTF-16", with: "UTF-8").utf8), name: "u8")
        #expect(reference.nodes[0].name == "Xi'an 西安 𝔾" && reference.links[0].medium == .fiber)
        for (be, bom) in [(false, true), (true, true), (false, false), (true, false)] {
            let t = try GraphMLImporter.parse(utf16(xml, bigEndian: be, bom: bom), name: "u16")
            #expect(t.nodes.map(\.name) == reference.nodes.map(\.name) && t.links == reference.links, "be=\(be) bom=\(bom)")
        }
        // An error in a UTF-16 document keeps its line number.
        do {
            _ = try GraphMLImporter.parse(utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<graphml>\n<graph>\n<node/>\n</graph></graphml>", bigEndian: false, bom: true), name: "l")
        } catch let e as GraphMLError { #expect(e.line == 4 && e.reason.contains("<node> without id"), "\(e)") }
    }
}
