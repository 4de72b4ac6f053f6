/// A frame as a standalone SVG document: each cell a `cw × ch` box; backgrounds as rectangles,
/// half blocks and full blocks as rectangles, braille dots as small circles, box-drawing lines
/// as strokes, and everything else as monospace text. Pictures (heatmaps, scatter plots) need
/// no font; only labels do. Colours are the xterm-256 palette's RGB values.
package struct SVGFrame: Sendable {
    package var cellWidth: Double = 8
    package var cellHeight: Double = 16
    /// Colours for `Color.default`.
    package var defaultForeground = "#d0d0d0"
    package var defaultBackground = "#101010"

    package init() {}

    package func render(_ frame: Frame) -> String {
        let (cw, ch) = (cellWidth, cellHeight)
        let w = Double(frame.size.width) * cw, h = Double(frame.size.height) * ch
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" viewBox=\"0 0 \(Self.n(w)) \(Self.n(h))\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"\(defaultBackground)\"/>\n"
        out += "<g font-family=\"monospace\" font-size=\"\(Self.n(ch * 0.8))\">\n"
        for y in 0..<frame.size.height {
            for x in 0..<frame.size.width {
                out += cell(frame[x, y], x: Double(x) * cw, y: Double(y) * ch)
            }
        }
        out += "</g>\n</svg>\n"
        return out
    }

    func colors(_ s: Style) -> (fg: String, bg: String?) {
        var fg = s.foreground == .default ? defaultForeground : Self.hex(s.foreground)
        var bg: String? = s.background == .default ? nil : Self.hex(s.background)
        if s.reverse { (fg, bg) = (bg ?? defaultBackground, fg) }
        return (fg, bg)
    }

    func cell(_ c: Cell, x: Double, y: Double) -> String {
        let (cw, ch) = (cellWidth, cellHeight)
        let (fg, bg) = colors(c.style)
        var out = ""
        func rect(_ rx: Double, _ ry: Double, _ rw: Double, _ rh: Double, _ fill: String) {
            out += "<rect x=\"\(Self.n(rx))\" y=\"\(Self.n(ry))\" width=\"\(Self.n(rw))\" height=\"\(Self.n(rh))\" fill=\"\(fill)\"/>"
        }
        if let bg { rect(x, y, cw, ch, bg) }
        let scalar = c.symbol.unicodeScalars.first!.value
        switch c.symbol {
        case " ": break
        case "▀": rect(x, y, cw, ch / 2, fg)
        case "▄": rect(x, y + ch / 2, cw, ch / 2, fg)
        case "█": rect(x, y, cw, ch, fg)
        case "─": out += "<line x1=\"\(Self.n(x))\" y1=\"\(Self.n(y + ch / 2))\" x2=\"\(Self.n(x + cw))\" y2=\"\(Self.n(y + ch / 2))\" stroke=\"\(fg)\"/>"
        case "│": out += "<line x1=\"\(Self.n(x + cw / 2))\" y1=\"\(Self.n(y))\" x2=\"\(Self.n(x + cw / 2))\" y2=\"\(Self.n(y + ch))\" stroke=\"\(fg)\"/>"
        default:
            if (0x2800...0x28FF).contains(scalar) {
                // Braille: bits 0-2 and 6 are the left column (top to bottom), 3-5 and 7 the right.
                let bits = Int(scalar - 0x2800)
                let dots: [(Int, Int, Int)] = [(0, 0, 0), (1, 0, 1), (2, 0, 2), (6, 0, 3), (3, 1, 0), (4, 1, 1), (5, 1, 2), (7, 1, 3)]
                for (bit, col, row) in dots where bits & (1 << bit) != 0 {
                    out += "<circle cx=\"\(Self.n(x + cw * (0.3 + 0.4 * Double(col))))\" cy=\"\(Self.n(y + ch * (0.125 + 0.25 * Double(row))))\" r=\"\(Self.n(cw * 0.14))\" fill=\"\(fg)\"/>"
                }
            } else {
                let weight = c.style.bold ? " font-weight=\"bold\"" : ""
                let opacity = c.style.dim ? " fill-opacity=\"0.6\"" : ""
                out += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y + ch * 0.78))\" fill=\"\(fg)\"\(weight)\(opacity)>\(Self.escape(c.symbol))</text>"
            }
        }
        return out.isEmpty ? "" : out + "\n"
    }

    static func escape(_ c: Character) -> String {
        switch c {
        case "&": return "&amp;"
        case "<": return "&lt;"
        case ">": return "&gt;"
        case "\"": return "&quot;"
        default: return String(c)
        }
    }

    /// Compact decimal: integers without a fraction, else up to 2 decimals.
    static func n(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : format2(v)
    }

    static func format2(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        var s = String(r)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    /// The xterm-256 palette entry as #rrggbb.
    package static func hex(_ color: Color) -> String {
        guard case .indexed(let i) = color else { return "#d0d0d0" }
        let (r, g, b) = rgb(i)
        func h(_ v: Int) -> String { let s = String(v, radix: 16); return s.count == 1 ? "0" + s : s }
        return "#" + h(r) + h(g) + h(b)
    }

    /// xterm's RGB for a palette index: 16 system colours, the 6×6×6 cube, the grey ramp.
    package static func rgb(_ i: UInt8) -> (Int, Int, Int) {
        let system: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        let v = Int(i)
        if v < 16 { return system[v] }
        if v < 232 {
            let levels = [0, 95, 135, 175, 215, 255]
            let c = v - 16
            return (levels[c / 36], levels[(c / 6) % 6], levels[c % 6])
        }
        let g = 8 + 10 * (v - 232)
        return (g, g, g)
    }
}
