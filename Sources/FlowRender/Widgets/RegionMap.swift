/// A label per pixel (e.g. RAD's discrete latent) drawn with half-blocks in a stable
/// categorical palette; letters without colour. Labels < 0 are left blank.
package struct RegionMap: Widget {
    package var labels: [Int]
    package var pixelWidth: Int
    package var pixelHeight: Int
    package var capabilities: Capabilities

    package init(labels: [Int], pixelWidth: Int, pixelHeight: Int, capabilities: Capabilities = .full) {
        precondition(labels.count == pixelWidth * pixelHeight, "region labels do not match the pixel size")
        self.labels = labels
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
        self.capabilities = capabilities
    }

    func label(_ px: Int, _ py: Int, _ w: Int, _ h: Int) -> Int {
        guard pixelWidth > 0, pixelHeight > 0 else { return -1 }
        let sy = min(pixelHeight - 1, py * pixelHeight / max(h, 1))
        let sx = min(pixelWidth - 1, px * pixelWidth / max(w, 1))
        return labels[sy * pixelWidth + sx]
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        for cy in 0..<area.height {
            for cx in 0..<area.width {
                let top = label(cx, 2 * cy, area.width, 2 * area.height)
                let bottom = label(cx, 2 * cy + 1, area.width, 2 * area.height)
                let cell: Cell
                if capabilities.colors != .none && capabilities.unicode {
                    if top < 0 && bottom < 0 {
                        cell = .blank
                    } else {
                        let fg = top < 0 ? Color.default : CategoricalPalette.color(top, depth: capabilities.colors)!
                        let bg = bottom < 0 ? Color.default : CategoricalPalette.color(bottom, depth: capabilities.colors)!
                        cell = Cell("▀", style: Style(foreground: fg, background: bg))
                    }
                } else if top < 0 {
                    cell = .blank
                } else {
                    cell = Cell(CategoricalPalette.letter(top),
                                style: Style(foreground: CategoricalPalette.color(top, depth: capabilities.colors) ?? .default))
                }
                frame.set(area.x + cx, area.y + cy, cell, clip: area)
            }
        }
    }
}
