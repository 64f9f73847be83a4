import Foundation

// Node roles and link marks read from the free attributes every importer keeps
// (`TopologyNode.attributes`, `TopologyLink.attributes`): GraphML `<data>` keys by their
// `attr.name`, extra CSV columns by header, GeoJSON feature properties by name.
// They become enums here, checked once (`validateInfrastructureAttributes`), so a misspelt role
// is an error naming the node, not a silently missing data centre.

/// What a site is for, beyond its place in the access hierarchy (`Tier`).
///
/// Read from the node attribute `role`: one or more of the raw values below, separated by `,`,
/// `;` or spaces, case-insensitive (`idc`, `IXP`, `landing;idc`). Plan context: "optimise the
/// layout of Internet data centres ... enrich international routes and landing cables".
public enum NodeRole: String, Sendable, Codable, CaseIterable {
    /// Internet data centre (IDC): where content and cloud services are hosted.
    case idc
    /// Internet exchange point.
    case ixp
    /// Submarine or terrestrial cable landing station.
    case landing
    /// International gateway (国际出入口): where traffic leaves the national network.
    case internationalGateway = "international_gateway"

    /// The node attribute that carries roles.
    public static let attribute = "role"

    /// Landing stations and international gateways: the ends of international egress.
    public var isInternationalEnd: Bool { self == .landing || self == .internationalGateway }

    /// Parses a `role` attribute value. Returns the roles and the tokens that are not roles.
    public static func parse(_ text: String) -> (roles: Set<NodeRole>, unknown: [String]) {
        var roles = Set<NodeRole>(), unknown: [String] = []
        let tokens = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " || $0 == "\t" })
        for token in tokens {
            let key = token.lowercased().replacingOccurrences(of: "-", with: "_")
            if let r = NodeRole(rawValue: key) { roles.insert(r) } else { unknown.append(String(token)) }
        }
        return (roles, unknown)
    }
}

/// A bad role or link mark, named by node or link and value (the CLI adds the file).
public struct InfrastructureAttributeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// "node 'X'" or "link 3 (A–B)".
    public var place: String
    public var attribute: String
    public var value: String
    public var reason: String
    public var description: String { "\(place): \(attribute) '\(value)': \(reason)" }
}

extension TopologyLink {
    /// The link attribute marking an international link.
    public static let internationalAttribute = "international"
    /// The link attribute giving a radio link's generation (`5g` marks a 5G cellular link).
    public static let generationAttribute = "generation"

    /// International link: attribute `international` is true (`1`, `true`, `yes`,
    /// case-insensitive). `0`, `false`, `no` or absent: not international. There is no inference
    /// from geography: an operator's export marks its cross-border and submarine links.
    public var isInternational: Bool { Self.truthy(attributes[Self.internationalAttribute]) == true }

    /// A 5G cellular link: medium `cellular` and attribute `generation` equal to `5g`
    /// (case-insensitive). The 14th Five-Year ICT plan's "administrative village 5G reach" reads
    /// a village as reached by 5G when such a link ends at it.
    public var is5GCellular: Bool {
        medium == .cellular && attributes[Self.generationAttribute]?.lowercased() == "5g"
    }

    static func truthy(_ s: String?) -> Bool? {
        guard let s = s?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
        switch s {
        case "1", "true", "yes": return true
        case "0", "false", "no", "": return false
        default: return nil
        }
    }
}

extension Topology {
    /// Roles per node (index = node index), from the `role` attribute; tokens that are not roles
    /// are ignored here (``validateInfrastructureAttributes()`` reports them).
    /// - Complexity: O(n).
    public func nodeRoles() -> [Set<NodeRole>] {
        nodes.indices.map { i in
            guard !nodes[i].attributes.isEmpty, let text = nodes[i].attributes[NodeRole.attribute] else { return [] }
            return NodeRole.parse(text).roles
        }
    }

    /// Checks every `role` node attribute and every `international` / `generation` link
    /// attribute.
    /// - Throws: ``InfrastructureAttributeError`` for the first bad value, in node then link order:
    ///   a role token outside ``NodeRole``, an `international` value that is not 1/0/true/false/
    ///   yes/no, a `generation` value other than 2g/3g/4g/5g.
    public func validateInfrastructureAttributes() throws {
        // The node and link passes read disjoint data: both at once, the node error first.
        let nodeError = StageResult<InfrastructureAttributeError?>(), linkError = StageResult<InfrastructureAttributeError?>()
        ConcurrentStages.run([
            { nodeError.value = self.firstBadNodeRole() },
            { linkError.value = self.firstBadLinkMark() },
        ], threads: ConcurrentStages.threads(forWork: nodes.count + links.count))
        if let e = nodeError.get ?? linkError.get { throw e }
    }

    /// The first bad `role` token, in node order (nil when all are roles).
    func firstBadNodeRole() -> InfrastructureAttributeError? {
        // Index loops and the place text built only for an error: a national network has
        // hundreds of thousands of links, most without attributes.
        for i in nodes.indices {
            guard !nodes[i].attributes.isEmpty, let text = nodes[i].attributes[NodeRole.attribute] else { continue }
            let parsed = NodeRole.parse(text)
            if let bad = parsed.unknown.first {
                return InfrastructureAttributeError(place: "node '\(nodes[i].id)'", attribute: NodeRole.attribute, value: bad,
                    reason: "not a role; roles are \(NodeRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        return nil
    }

    /// The first bad `international` or `generation` value, in link order.
    func firstBadLinkMark() -> InfrastructureAttributeError? {
        for j in links.indices where !links[j].attributes.isEmpty {
            func place() -> String { "link \(j + 1) (\(nodes[links[j].a].id)–\(nodes[links[j].b].id))" }
            if let v = links[j].attributes[TopologyLink.internationalAttribute], TopologyLink.truthy(v) == nil {
                return InfrastructureAttributeError(place: place(), attribute: TopologyLink.internationalAttribute, value: v,
                                                    reason: "expected 1, 0, true, false, yes or no")
            }
            if let v = links[j].attributes[TopologyLink.generationAttribute], !["2g", "3g", "4g", "5g", ""].contains(v.lowercased()) {
                return InfrastructureAttributeError(place: place(), attribute: TopologyLink.generationAttribute, value: v,
                                                    reason: "expected 2g, 3g, 4g or 5g")
            }
        }
        return nil
    }
}
