/// Two point clouds of the same box [−L, L]² side by side, each in its own colour under a
/// one-line caption (CTF's generator alone against the generator followed by K Langevin steps).
/// Each half keeps the box square: a braille cell is 2 dots wide and 4 tall, so a square plot
/// is twice as many columns as rows.
package struct SideBySideScatter: Widget {
    package var left: (caption: String, points: [PlotPoint], color: Color)
    package var right: (caption: String, points: [PlotPoint], color: Color)
    package var box: Double
    package var capabilities: Capabilities

    package init(left: (caption: String, points: [PlotPoint], color: Color),
                 right: (caption: String, points: [PlotPoint], color: Color),
                 box: Double, capabilities: Capabilities = .full) {
        self.left = left
        self.right = right
        self.box = box
        self.capabilities = capabilities
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        let halves = area.columns(2, gap: 1)
        for (half, side) in zip(halves, [left, right]) where !half.isEmpty {
            let style = capabilities.colors == .none ? Style.plain : Style(foreground: side.color)
            let caption = side.caption.count > half.width ? String(side.caption.prefix(half.width)) : side.caption
            let pad = (half.width - caption.count) / 2
            _ = frame.write(caption, x: half.x + pad, y: half.y, style: style, clip: half)
            let plotArea = Rect(x: half.x, y: half.y + 1, width: half.width, height: half.height - 1)
            ScatterPlot(points: side.points, box: box, color: side.color, capabilities: capabilities)
                .render(in: Self.square(in: plotArea), on: &frame)
        }
    }

    /// The largest rectangle centred in `r` with twice as many columns as rows (a square box).
    static func square(in r: Rect) -> Rect {
        let w = min(r.width, 2 * r.height), h = min(r.height, (r.width + 1) / 2)
        return Rect(x: r.x + (r.width - w) / 2, y: r.y + (r.height - h) / 2, width: w, height: h)
    }
}
