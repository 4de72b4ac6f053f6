/// Something that draws itself into a rectangle of a frame (ratatui's `Widget`).
/// Widgets never draw outside `area`; an empty area draws nothing.
package protocol Widget {
    func render(in area: Rect, on frame: inout Frame)
}

extension Frame {
    /// A frame of `size` with `widget` drawn over all of it (handy in tests).
    package static func rendering(_ widget: some Widget, size: Size) -> Frame {
        var f = Frame(size: size)
        widget.render(in: f.area, on: &f)
        return f
    }
}
