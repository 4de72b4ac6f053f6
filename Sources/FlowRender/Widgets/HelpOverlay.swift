/// A centred, bordered box of key/description rows drawn over whatever is beneath.
package struct HelpOverlay: Widget {
    package var title: String
    package var rows: [(key: String, text: String)]
    package var capabilities: Capabilities

    package init(title: String = "Keys", rows: [(key: String, text: String)], capabilities: Capabilities = .full) {
        self.title = title
        self.rows = rows
        self.capabilities = capabilities
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        let keyWidth = rows.map(\.key.count).max() ?? 0
        let textWidth = rows.map(\.text.count).max() ?? 0
        let w = min(area.width, keyWidth + textWidth + 6)
        let h = min(area.height, rows.count + 2)
        let box = Rect(x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h)
        frame.fill(box)
        Panel(title: title, capabilities: capabilities, highlighted: true).render(in: box, on: &frame)
        let inner = Panel.inner(box)
        let keyStyle = Style(foreground: capabilities.colors == .none ? .default : .brightYellow, bold: true)
        for (i, row) in rows.enumerated() where i < inner.height {
            let y = inner.y + i
            let key = row.key + String(repeating: " ", count: keyWidth - row.key.count)
            let x = frame.write(" " + key, x: inner.x, y: y, style: keyStyle, clip: inner)
            frame.write("  " + row.text, x: x, y: y, clip: inner)
        }
    }
}
