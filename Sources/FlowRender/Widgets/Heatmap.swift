/// A scalar field drawn with half-block cells: each cell shows two vertically stacked pixels
/// (`▀` with the top pixel as foreground and the bottom one as background).
///
/// `values` are row-major, top row first, already scaled to [0, 1]; NaN marks "no data".
/// When the pixel grid differs from `2 × area`, it is resampled (nearest pixel). Without colour
/// the two pixels are averaged into a shade (or ASCII) ramp character.
package struct Heatmap: Widget {
    package var values: [Double]
    package var pixelWidth: Int
    package var pixelHeight: Int
    package var capabilities: Capabilities
    package var colorMap: ColorMap

    package init(values: [Double], pixelWidth: Int, pixelHeight: Int, capabilities: Capabilities = .full,
                colorMap: ColorMap = .standard) {
        precondition(values.count == pixelWidth * pixelHeight, "heatmap values do not match its pixel size")
        self.values = values
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
        self.capabilities = capabilities
        self.colorMap = colorMap
    }

    func pixel(_ px: Int, _ py: Int, areaWidth: Int, areaPixelsHigh: Int) -> Double {
        guard pixelWidth > 0, pixelHeight > 0 else { return .nan }
        let sx = min(pixelWidth - 1, px * pixelWidth / max(areaWidth, 1))
        let sy = min(pixelHeight - 1, py * pixelHeight / max(areaPixelsHigh, 1))
        return values[sy * pixelWidth + sx]
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        let high = 2 * area.height
        for cy in 0..<area.height {
            for cx in 0..<area.width {
                let top = pixel(cx, 2 * cy, areaWidth: area.width, areaPixelsHigh: high)
                let bottom = pixel(cx, 2 * cy + 1, areaWidth: area.width, areaPixelsHigh: high)
                frame.set(area.x + cx, area.y + cy, cell(top: top, bottom: bottom), clip: area)
            }
        }
    }

    func cell(top: Double, bottom: Double) -> Cell {
        if capabilities.colors != .none && capabilities.unicode {
            if top.isNaN && bottom.isNaN { return .blank }
            let fg = top.isNaN ? Color.default : colorMap.color(top, depth: capabilities.colors)!
            let bg = bottom.isNaN ? Color.default : colorMap.color(bottom, depth: capabilities.colors)!
            return Cell("▀", style: Style(foreground: fg, background: bg))
        }
        let both = [top, bottom].filter { !$0.isNaN }
        guard !both.isEmpty else { return .blank }
        let mean = both.reduce(0, +) / Double(both.count)
        let ch = ColorMap.rampCharacter(mean, unicode: capabilities.unicode)
        if let c = colorMap.color(mean, depth: capabilities.colors) {
            return Cell(ch, style: Style(foreground: c))
        }
        return Cell(ch)
    }
}
