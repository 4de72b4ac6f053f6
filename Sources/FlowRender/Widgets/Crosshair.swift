/// A cross-hair marking one point of the box [−L, L]² in a plot drawn in the same area: the
/// cell under the point shows `┼` (`+` in ASCII) over the picture's colour, and the cells beside it
/// short arms, so the point stays visible over a heatmap.
package struct Crosshair: Widget {
    package var point: PlotPoint
    package var box: Double
    package var capabilities: Capabilities
    package var color: Color

    package init(point: PlotPoint, box: Double, color: Color = .brightWhite, capabilities: Capabilities = .full) {
        self.point = point
        self.box = box
        self.color = color
        self.capabilities = capabilities
    }

    /// The cell of `area` the point falls in (nil outside).
    package func cell(in area: Rect) -> (x: Int, y: Int)? {
        guard !area.isEmpty, point.x.isFinite, point.y.isFinite else { return nil }
        let cx = Int(((point.x + box) / (2 * box) * Double(area.width)).rounded(.down))
        let cy = Int(((box - point.y) / (2 * box) * Double(area.height)).rounded(.down))
        guard cx >= 0, cy >= 0, cx < area.width, cy < area.height else { return nil }
        return (area.x + cx, area.y + cy)
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard let (x, y) = cell(in: area) else { return }
        let u = capabilities.unicode
        let marks: [(Int, Int, Character)] = [(0, 0, u ? "┼" : "+"), (-1, 0, u ? "─" : "-"), (1, 0, u ? "─" : "-"),
                                               (0, -1, u ? "│" : "|"), (0, 1, u ? "│" : "|")]
        for (dx, dy, ch) in marks {
            let (px, py) = (x + dx, y + dy)
            guard area.contains(x: px, y: py), px < frame.size.width, py < frame.size.height else { continue }
            let under = frame[px, py].style
            let style = capabilities.colors == .none ? Style(bold: true)
                : Style(foreground: color, background: under.foreground == .default ? under.background : under.foreground, bold: true)
            frame[px, py] = Cell(ch, style: style)
        }
    }
}
