/// Points of the box [−L, L]² as braille dots in one colour.
package struct ScatterPlot: Widget {
    package var points: [PlotPoint]
    package var box: Double
    package var color: Color
    package var capabilities: Capabilities

    package init(points: [PlotPoint], box: Double, color: Color = .brightYellow, capabilities: Capabilities = .full) {
        self.points = points
        self.box = box
        self.color = color
        self.capabilities = capabilities
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        var canvas = BrailleCanvas(width: area.width, height: area.height, capabilities: capabilities, seriesColors: [color])
        for p in points { canvas.plot(x: p.x, y: p.y, box: box) }
        canvas.render(in: area, on: &frame)
    }
}

/// Points as braille dots over a picture already drawn in the area (a heatmap, a region map):
/// each dotted cell keeps the colour of its upper pixel as background, so the picture stays
/// readable beneath the points.
package struct PointOverlay: Widget {
    package var points: [PlotPoint]
    package var box: Double
    package var color: Color
    package var capabilities: Capabilities

    package init(points: [PlotPoint], box: Double, color: Color, capabilities: Capabilities = .full) {
        self.points = points
        self.box = box
        self.color = color
        self.capabilities = capabilities
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard !points.isEmpty, !area.isEmpty else { return }
        var dots = Frame(size: frame.size)
        ScatterPlot(points: points, box: box, color: color, capabilities: capabilities).render(in: area, on: &dots)
        let visible = area.intersection(frame.area)
        guard !visible.isEmpty else { return }
        for y in visible.y..<visible.maxY {
            for x in visible.x..<visible.maxX where dots[x, y].symbol != " " {
                let under = frame[x, y].style
                let style = capabilities.colors == .none ? under : Style(foreground: color, background: under.foreground)
                frame[x, y] = Cell(dots[x, y].symbol, style: style)
            }
        }
    }
}

/// Polylines of the box [−L, L]² drawn as braille segments; line `i` takes colour
/// `seriesColors[colorIndex[i]]` (series 0 when `colorIndex` is short).
package struct PolylinePlot: Widget {
    package var polylines: [[PlotPoint]]
    package var colorIndex: [Int]
    package var box: Double
    package var seriesColors: [Color]
    package var capabilities: Capabilities

    package static let defaultColors: [Color] = [.brightMagenta, .brightCyan, .brightYellow, .brightGreen]

    package init(polylines: [[PlotPoint]], colorIndex: [Int] = [], box: Double, seriesColors: [Color] = PolylinePlot.defaultColors,
                capabilities: Capabilities = .full) {
        self.polylines = polylines
        self.colorIndex = colorIndex
        self.box = box
        self.seriesColors = seriesColors
        self.capabilities = capabilities
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        var canvas = BrailleCanvas(width: area.width, height: area.height, capabilities: capabilities, seriesColors: seriesColors)
        for (i, line) in polylines.enumerated() {
            let series = colorIndex.indices.contains(i) ? colorIndex[i] : 0
            for (a, b) in zip(line, line.dropFirst()) {
                canvas.line(from: (a.x, a.y), to: (b.x, b.y), box: box, series: series)
            }
        }
        canvas.render(in: area, on: &frame)
    }
}
