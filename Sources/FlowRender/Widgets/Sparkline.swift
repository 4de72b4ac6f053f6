/// The most recent values as a one-row bar chart, scaled between their min and max
/// (`▁▂▃▄▅▆▇█`, or `_.-=#` in ASCII). Non-finite values are skipped.
package struct Sparkline: Widget {
    package var values: [Double]
    package var capabilities: Capabilities
    package var style: Style

    package init(values: [Double], capabilities: Capabilities = .full, style: Style = Style(foreground: .brightGreen)) {
        self.values = values
        self.capabilities = capabilities
        self.style = style
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        let shown = Array(values.filter(\.isFinite).suffix(area.width))
        guard let lo = shown.min(), let hi = shown.max() else { return }
        let bars: [Character] = capabilities.unicode ? Array("▁▂▃▄▅▆▇█") : Array("_.-=#")
        let st = capabilities.colors == .none ? Style() : style
        for (i, v) in shown.enumerated() {
            let t = hi > lo ? (v - lo) / (hi - lo) : 0.5
            let ch = bars[min(bars.count - 1, Int(t * Double(bars.count - 1) + 0.5))]
            frame.set(area.x + i, area.y, Cell(ch, style: st), clip: area)
        }
    }
}
