import CLibXML2
import Foundation

/// Events of a GraphML document, as `GraphMLSAX` delivers them.
protocol GraphMLEvents: AnyObject {
    /// An element starts: local name (namespace prefix dropped, as GraphML's elements are all in
    /// one namespace), attributes by name ("prefix:name" when prefixed), its 1-based line.
    func start(_ name: String, _ attributes: [String: String], line: Int)
    func end(_ name: String)
    /// Character data or a CDATA section inside the current element (may come in pieces).
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Set by the receiver to stop the parse (a structural error it will report itself).
    var stop: Bool { get }
}

/// A streaming SAX2 parse of a GraphML document in memory with libxml2 (pull parser over the
/// whole buffer), for documents of any size.
///
/// Why not Foundation's `XMLParser`: on Linux it drives libxml2's push parser, which in
/// libxml2 2.9 refuses any document past 10,000,000 bytes ("Huge input lookup", reported as
/// "malformed XML", libxml2 issue 538, fixed only in 2.11) and cannot be given parser options.
/// The pull parser over a memory buffer has no such limit, and the default options keep every
/// protection libxml2 has: no `XML_PARSE_HUGE` (text nodes, names and nesting stay within
/// libxml2's limits, 10,000,000 bytes and 256 levels), no `XML_PARSE_NOENT` (entities are not
/// substituted), no DTD loading, `XML_PARSE_NONET`. When one of those limits is hit, libxml2's
/// own message (which names it, e.g. "Excessive depth in document: 256") is the error reason.
/// The GraphML importer additionally refuses `<!ENTITY` declarations before parsing.
enum GraphMLSAX {
    struct Failure: Error { var line: Int; var column: Int; var message: String }

    /// `xmlInitParser` once per process: libxml2 2.9 does not lock its own one-time setup, and
    /// tests parse on several threads at once; a static let is initialised exactly once.
    private static let libraryInitialized: Void = { xmlInitParser() }()

    /// Parses `bytes`, sending events to `events`.
    /// - Throws: `Failure` with libxml2's line, column and message when the document is not
    ///   well-formed or a parser limit is reached; not thrown when `events.stop` ended the parse.
    static func parse(_ bytes: UnsafeRawBufferPointer, events: GraphMLEvents) throws {
        guard bytes.count <= Int(Int32.max) else {
            throw Failure(line: 0, column: 0, message: "document of \(bytes.count) bytes is beyond libxml2's memory-parser limit (2 GiB)")
        }
        _ = libraryInitialized
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
              let ctxt = xmlCreateMemoryParserCtxt(base, Int32(bytes.count)) else {
            throw Failure(line: 0, column: 0, message: "libxml2 could not create a parser (out of memory?)")
        }
        defer { xmlFreeParserCtxt(ctxt) }
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { ctx, localname, _, _, _, _, count, _, attributes in
            guard let ctx, let localname, let box = GraphMLSAX.box(ctx) else { return }
            var attrs: [String: String] = [:]
            if let attributes {
                for i in 0..<Int(count) {
                    // Five pointers per attribute: localname, prefix, URI, value start, value end.
                    guard let name = attributes[5 * i], let v = attributes[5 * i + 3], let e = attributes[5 * i + 4] else { continue }
                    var key = String(cString: name)
                    if let p = attributes[5 * i + 1] { key = String(cString: p) + ":" + key }
                    attrs[key] = String(decoding: UnsafeBufferPointer(start: v, count: e - v), as: UTF8.self)
                }
            }
            let line = Int(xmlSAX2GetLineNumber(ctx))
            box.events.start(String(cString: localname), attrs, line: line)
            if box.events.stop { xmlStopParser(GraphMLSAX.context(ctx)) }
        }
        handler.endElementNs = { ctx, localname, _, _ in
            guard let ctx, let localname, let box = GraphMLSAX.box(ctx) else { return }
            box.events.end(String(cString: localname))
            if box.events.stop { xmlStopParser(GraphMLSAX.context(ctx)) }
        }
        handler.characters = { ctx, ch, len in
            guard let ctx, let ch, let box = GraphMLSAX.box(ctx) else { return }
            box.events.text(UnsafeBufferPointer(start: ch, count: Int(len)))
        }
        handler.cdataBlock = { ctx, ch, len in
            guard let ctx, let ch, let box = GraphMLSAX.box(ctx) else { return }
            box.events.text(UnsafeBufferPointer(start: ch, count: Int(len)))
        }
        // A structured handler that does nothing: libxml2 would otherwise print every error
        // to stderr itself; the last one is read from the context after the parse.
        handler.serror = { _, _ in }
        // The context was made with the default SAX2 handler; ours replaces it in place.
        ctxt.pointee.sax.pointee = handler
        ctxt.pointee.userData = UnsafeMutableRawPointer(ctxt)
        let box = Box(events: events)
        ctxt.pointee._private = Unmanaged.passUnretained(box).toOpaque()
        _ = xmlCtxtUseOptions(ctxt, Int32(XML_PARSE_NONET.rawValue))
        let rc = withExtendedLifetime(box) { xmlParseDocument(ctxt) }
        if events.stop { return }
        if rc != 0 || ctxt.pointee.wellFormed == 0 {
            let e = ctxt.pointee.lastError
            let message = e.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "libxml2 error \(e.code)"
            throw Failure(line: Int(e.line), column: Int(e.int2), message: message)
        }
    }

    final class Box { let events: GraphMLEvents; init(events: GraphMLEvents) { self.events = events } }

    static func context(_ ctx: UnsafeMutableRawPointer) -> xmlParserCtxtPtr { ctx.assumingMemoryBound(to: xmlParserCtxt.self) }

    static func box(_ ctx: UnsafeMutableRawPointer) -> Box? {
        guard let p = context(ctx).pointee._private else { return nil }
        return Unmanaged<Box>.fromOpaque(p).takeUnretainedValue()
    }
}
