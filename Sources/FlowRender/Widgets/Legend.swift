/// A one-row colour bar between two labels: `low ██████ high`.
package struct Legend: Widget {
    package var low: String
    package var high: String
    package var capabilities: Capabilities
    package var colorMap: ColorMap

    package init(low: String, high: String, capabilities: Capabilities = .full, colorMap: ColorMap = .standard) {
        self.low = low
        self.high = high
        self.capabilities = capabilities
        self.colorMap = colorMap
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        let barWidth = area.width - low.count - high.count - 2
        guard barWidth >= 2 else {
            frame.write(high, x: area.x, y: area.y, clip: area)
            return
        }
        var x = frame.write(low + " ", x: area.x, y: area.y, style: .dim, clip: area)
        for i in 0..<barWidth {
            let t = Double(i) / Double(barWidth - 1)
            var cell = Cell(ColorMap.rampCharacter(t, unicode: capabilities.unicode))
            if let c = colorMap.color(t, depth: capabilities.colors) {
                cell = Cell(capabilities.unicode ? "█" : cell.symbol, style: Style(foreground: c))
            }
            frame.set(x, area.y, cell, clip: area)
            x += 1
        }
        frame.write(" " + high, x: x, y: area.y, style: .dim, clip: area)
    }
}
