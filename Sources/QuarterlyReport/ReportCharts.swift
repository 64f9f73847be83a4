import Foundation
import Plot

/// Inline SVG charts as Plot nodes: every label is a text node, so Plot escapes it like the rest
/// of the page; attribute values are numbers and fixed class names only (Plot does not escape
/// attribute values). No script, no remote resource.
enum ReportCharts {
    typealias N = Node<HTML.BodyContext>

    static func el(_ name: String, _ attrs: [(String, String)], _ children: [N] = []) -> N {
        .element(named: name, nodes: attrs.map { N.attribute(named: $0.0, value: $0.1) } + children)
    }

    static func n(_ d: Double) -> String { String(format: d, digits: 1) }

    /// A 10×10 swatch at (x, y) and its label beside it (the label a text node: escaped).
    static func legendItem(x: Double, y: Double, swatchClass: String, label: String) -> N {
        .group([el("rect", [("x", n(x)), ("y", n(y)), ("width", "10"), ("height", "10"), ("class", swatchClass)]),
                el("text", [("x", n(x + 14)), ("y", n(y + 9)), ("class", "lbl")], [.literal(label)])])
    }

    static func chart(_ c: ReportChart) -> N {
        switch c {
        case let .bars(key, title, unit, series, groups): bars(key, title, unit, series, groups)
        case let .trend(key, title, unit, quarters, series): trend(key, title, unit, quarters, series)
        case let .map(key, title, points, omitted, withoutCoordinates): map(key, title, points, omitted, withoutCoordinates)
        }
    }

    /// Grouped horizontal bars, 0–100 for percent, else 0–max.
    static func bars(_ key: String, _ title: String, _ unit: FigureUnit, _ series: [String], _ groups: [(label: String, values: [Double?])]) -> N {
        let barH = 14.0, gap = 8.0, labelW = 200.0, plotW = 420.0
        let maxV = unit == .percent ? 100 : max(1, groups.flatMap { $0.values.compactMap { $0 } }.max() ?? 1)
        let groupH = Double(max(1, series.count)) * barH + gap
        let height = 30 + Double(groups.count) * groupH + 24
        var nodes: [N] = [el("title", [], [.literal(title)])]
        for (gi, g) in groups.enumerated() {
            let y0 = 30 + Double(gi) * groupH
            nodes.append(el("text", [("x", n(labelW - 6)), ("y", n(y0 + barH * Double(series.count) / 2 + 4)), ("text-anchor", "end"), ("class", "lbl")], [.literal(g.label)]))
            for (si, v) in g.values.enumerated() {
                let w = max(0, min(1, (v ?? 0) / maxV)) * plotW
                let y = y0 + Double(si) * barH
                nodes.append(el("rect", [("x", n(labelW)), ("y", n(y)), ("width", n(w)), ("height", n(barH - 2)), ("class", "s\(si % 4)")]))
                nodes.append(el("text", [("x", n(labelW + w + 4)), ("y", n(y + barH - 4)), ("class", "val")],
                                [.literal(v.map { ReportText.figure($0, unit) } ?? "n/a")]))
            }
        }
        for (si, s) in series.enumerated() {
            let x = labelW + Double(si) * 110
            nodes.append(legendItem(x: x, y: 8, swatchClass: "s\(si % 4)", label: s))
        }
        return figure(key, title, el("svg", [("viewBox", "0 0 \(Int(labelW + plotW + 90)) \(Int(height))"), ("role", "img"), ("class", "chart")], nodes))
    }

    /// Lines over quarters; a quarter without a figure breaks the line.
    static func trend(_ key: String, _ title: String, _ unit: FigureUnit, _ quarters: [String], _ series: [(name: String, values: [Double?])]) -> N {
        let w = 640.0, h = 260.0, left = 50.0, right = 20.0, top = 30.0, bottom = 40.0
        let maxV = unit == .percent ? 100 : max(1, series.flatMap { $0.values.compactMap { $0 } }.max() ?? 1)
        let step = quarters.count > 1 ? (w - left - right) / Double(quarters.count - 1) : 0
        func x(_ i: Int) -> Double { quarters.count > 1 ? left + Double(i) * step : (left + w - right) / 2 }
        func y(_ v: Double) -> Double { top + (1 - max(0, min(1, v / maxV))) * (h - top - bottom) }
        var nodes: [N] = [el("title", [], [.literal(title)])]
        for t in 0...4 {
            let v = maxV * Double(t) / 4
            nodes.append(el("line", [("x1", n(left)), ("x2", n(w - right)), ("y1", n(y(v))), ("y2", n(y(v))), ("class", "grid")]))
            nodes.append(el("text", [("x", n(left - 4)), ("y", n(y(v) + 4)), ("text-anchor", "end"), ("class", "val")], [.literal(ReportText.figure(v, unit))]))
        }
        for (i, q) in quarters.enumerated() {
            nodes.append(el("text", [("x", n(x(i))), ("y", n(h - bottom + 16)), ("text-anchor", "middle"), ("class", "lbl")], [.literal(q)]))
        }
        for (si, s) in series.enumerated() {
            var run: [String] = []
            func flush() {
                if run.count > 1 { nodes.append(el("polyline", [("points", run.joined(separator: " ")), ("class", "l\(si % 4)")])) }
                run = []
            }
            for (i, v) in s.values.enumerated() {
                guard let v else { flush(); continue }
                run.append("\(n(x(i))),\(n(y(v)))")
                nodes.append(el("circle", [("cx", n(x(i))), ("cy", n(y(v))), ("r", "3"), ("class", "s\(si % 4)")]))
            }
            flush()
            let lx = left + Double(si) * 150
            nodes.append(legendItem(x: lx, y: 8, swatchClass: "s\(si % 4)", label: s.name))
        }
        return figure(key, title, el("svg", [("viewBox", "0 0 \(Int(w)) \(Int(h))"), ("role", "img"), ("class", "chart")], nodes))
    }

    /// Villages at their coordinates (equirectangular: x from longitude, y from latitude, scaled
    /// to the points' bounding box with cos(mid-latitude) for the aspect). Each status is one
    /// path of zero-length round-capped segments, so 16,000 dots cost ~150 KB.
    static func map(_ key: String, _ title: String, _ points: [MapPoint], _ omitted: Int, _ withoutCoordinates: Int) -> N {
        let w = 640.0, h = 400.0
        var nodes: [N] = [el("title", [], [.literal(title)])]
        if let box = MapThinning.box(points) {
            let project = MapThinning.projector(box, width: w, height: h)
            for status in MapPoint.Status.allOrdered {
                var d = ""
                for p in points where p.status == status {
                    let (x, y) = project(p)
                    d += "M\(n(x)) \(n(y))h0"
                }
                if !d.isEmpty { nodes.append(el("path", [("d", d), ("class", "m-\(status.rawValue)")])) }
            }
        }
        let legend: [N] = [("fiber", "fiber all the way"), ("broadband", "broadband, not all fiber"), ("unreached", "no broadband")].enumerated().map { i, item in
            legendItem(x: 10 + Double(i) * 190, y: h + 8, swatchClass: "k-\(item.0)", label: item.1)
        }
        return figure(key, title, el("svg", [("viewBox", "0 0 \(Int(w)) \(Int(h + 24))"), ("role", "img"), ("class", "chart map")], nodes + legend),
                      caption: "\(points.count) dots drawn; \(omitted) more villages share a dot with a neighbour (a dot shows the worst status of its villages); \(withoutCoordinates) villages without coordinates (docs/report.md, \"Map\").")
    }

    static func figure(_ key: String, _ title: String, _ svg: N, caption: String? = nil) -> N {
        // The caption first: it titles the chart it sits above.
        .element(named: "figure", nodes: [N.id("chart-" + key),
                                          .element(named: "figcaption", nodes: [N.literal(caption.map { title + ". " + $0 } ?? title)]), svg])
    }
}

/// Thinning of the village map to what can be seen (docs/report.md, "Map"): the page is 640×400
/// px; villages are binned into 4×4 px cells and each cell keeps one dot coloured by the worst
/// status in it (unreached over broadband over fiber), so an unreached village is never hidden
/// by a reached neighbour. At most 160 × 100 = 16,000 dots whatever the network's size.
public enum MapThinning {
    public static let cellPixels = 4.0

    static func box(_ points: [MapPoint]) -> (minLon: Double, maxLon: Double, minLat: Double, maxLat: Double)? {
        guard let f = points.first else { return nil }
        var b = (minLon: f.longitude, maxLon: f.longitude, minLat: f.latitude, maxLat: f.latitude)
        for p in points {
            b.minLon = min(b.minLon, p.longitude); b.maxLon = max(b.maxLon, p.longitude)
            b.minLat = min(b.minLat, p.latitude); b.maxLat = max(b.maxLat, p.latitude)
        }
        return b
    }

    /// Equirectangular projection of the box onto width × height (aspect kept, 10 px margin).
    static func projector(_ b: (minLon: Double, maxLon: Double, minLat: Double, maxLat: Double), width: Double, height: Double) -> (MapPoint) -> (Double, Double) {
        let midLat = (b.minLat + b.maxLat) / 2 * Double.pi / 180
        let k = max(0.1, cos(midLat))
        let spanX = max(1e-9, (b.maxLon - b.minLon) * k), spanY = max(1e-9, b.maxLat - b.minLat)
        let scale = min((width - 20) / spanX, (height - 20) / spanY)
        // Centred: the drawn extent's margins are shared equally (a single point sits mid-canvas).
        let offsetX = (width - spanX * scale) / 2, offsetY = (height - spanY * scale) / 2
        return { p in (offsetX + (p.longitude - b.minLon) * k * scale, offsetY + (b.maxLat - p.latitude) * scale) }
    }

    /// The dots to draw and how many villages they stand for beyond one each.
    public static func thin(_ points: [MapPoint], width: Double = 640, height: Double = 400) -> (points: [MapPoint], omitted: Int) {
        guard let b = box(points) else { return ([], 0) }
        let project = projector(b, width: width, height: height)
        let cols = Int(width / cellPixels) + 1
        func rank(_ s: MapPoint.Status) -> Int { s == .unreached ? 2 : (s == .broadband ? 1 : 0) }
        var cells: [Int: MapPoint] = [:]
        cells.reserveCapacity(min(points.count, 20_000))
        for p in points {
            let (x, y) = project(p)
            let key = Int(y / cellPixels) * cols + Int(x / cellPixels)
            if let old = cells[key], rank(old.status) >= rank(p.status) { continue }
            cells[key] = p
        }
        let kept = cells.sorted { $0.key < $1.key }.map(\.value)
        return (kept, points.count - kept.count)
    }
}
