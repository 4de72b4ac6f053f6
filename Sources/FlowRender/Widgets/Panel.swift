/// A bordered box with a title in its top edge. Draw the content in `Panel.inner(area)`.
package struct Panel: Widget {
    package var title: String
    package var capabilities: Capabilities
    package var highlighted: Bool

    package init(title: String, capabilities: Capabilities = .full, highlighted: Bool = false) {
        self.title = title
        self.capabilities = capabilities
        self.highlighted = highlighted
    }

    /// The content area inside the border.
    package static func inner(_ area: Rect) -> Rect { area.inset(by: 1) }

    package func render(in area: Rect, on frame: inout Frame) {
        guard area.width >= 2, area.height >= 2 else {
            frame.fill(area)
            return
        }
        let u = capabilities.unicode
        let h: Character = u ? "─" : "-"
        let v: Character = u ? "│" : "|"
        let corners: [Character] = u ? ["┌", "┐", "└", "┘"] : ["+", "+", "+", "+"]
        let style = Style(foreground: capabilities.colors == .none ? .default : (highlighted ? .brightCyan : .gray))
        for x in area.x..<area.maxX {
            frame.set(x, area.y, Cell(h, style: style), clip: area)
            frame.set(x, area.maxY - 1, Cell(h, style: style), clip: area)
        }
        for y in area.y..<area.maxY {
            frame.set(area.x, y, Cell(v, style: style), clip: area)
            frame.set(area.maxX - 1, y, Cell(v, style: style), clip: area)
        }
        frame.set(area.x, area.y, Cell(corners[0], style: style))
        frame.set(area.maxX - 1, area.y, Cell(corners[1], style: style))
        frame.set(area.x, area.maxY - 1, Cell(corners[2], style: style))
        frame.set(area.maxX - 1, area.maxY - 1, Cell(corners[3], style: style))
        if !title.isEmpty && area.width > 4 {
            let titleClip = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: 1)
            let shown = Panel.fit(title, width: area.width - 4, ellipsis: u ? "…" : "~")
            frame.write(" \(shown) ", x: area.x + 1, y: area.y, style: Style(bold: true), clip: titleClip)
        }
    }

    /// `title` cut to `width` characters with an ellipsis, keeping a trailing " [...]" tag (the
    /// view counter "[v 2/3]") whole when there is room for it.
    package static func fit(_ title: String, width: Int, ellipsis: Character = "…") -> String {
        guard title.count > width else { return title }
        guard width > 1 else { return String(title.prefix(max(0, width))) }
        if title.hasSuffix("]"), let open = title.range(of: " [", options: .backwards) {
            let tag = String(title[open.lowerBound...])
            let head = String(title[..<open.lowerBound])
            if tag.count + 2 <= width {
                return String(head.prefix(width - tag.count - 1)) + String(ellipsis) + tag
            }
        }
        return String(title.prefix(width - 1)) + String(ellipsis)
    }
}
