/// A rectangular grid of cells: what one screen shows. The renderer's only output.
///
/// Pure data: converting to plain text (`text`) or ANSI escapes (`ansi`) is here; writing to
/// a terminal is the terminal module's job.
package struct Frame: Sendable, Equatable {
    package let size: Size
    package private(set) var cells: [Cell]

    package init(size: Size) {
        self.size = size
        cells = [Cell](repeating: .blank, count: size.width * size.height)
    }

    package var area: Rect { Rect(size: size) }

    package subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set {
            guard x >= 0, y >= 0, x < size.width, y < size.height else { return }
            cells[y * size.width + x] = newValue
        }
    }

    /// Sets one cell if it lies inside both the frame and `clip`.
    package mutating func set(_ x: Int, _ y: Int, _ cell: Cell, clip: Rect? = nil) {
        if let clip, !clip.contains(x: x, y: y) { return }
        self[x, y] = cell
    }

    /// Writes a string from (x, y) to the right, clipped to `clip` (default: the whole frame).
    /// Returns the x after the last written character.
    @discardableResult
    package mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let bounds = (clip ?? area).intersection(area)
        var cx = x
        for ch in text {
            if cx >= bounds.maxX { break }
            if bounds.contains(x: cx, y: y) { self[cx, y] = Cell(ch, style: style) }
            cx += 1
        }
        return cx
    }

    /// Fills a rectangle with one cell.
    package mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let r = rect.intersection(area)
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { self[x, y] = cell } }
    }

    /// The frame with every non-ASCII symbol replaced by an ASCII look-alike (for terminals
    /// without a UTF-8 locale and `--ascii`).
    package func asciiFolded() -> Frame {
        var f = self
        for i in f.cells.indices where !(f.cells[i].symbol.isASCII) {
            f.cells[i].symbol = Frame.asciiFallback[f.cells[i].symbol] ?? "?"
        }
        return f
    }

    static let asciiFallback: [Character: Character] = [
        "→": ">", "←": "<", "×": "x", "÷": "/", "·": "-", "—": "-", "–": "-", "…": ".", "²": "2",
        "∂": "d", "−": "-", "≤": "<", "≥": ">", "∫": "S", "Σ": "E", "θ": "t", "┼": "+",
        "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "█": "#", "▀": "\"", "░": ".", "▒": ":", "▓": "#",
    ]

    /// Each row's symbols; rows joined with newlines (no styles, trailing spaces kept).
    package var text: String {
        var out = ""
        out.reserveCapacity(size.width * size.height + size.height)
        for y in 0..<size.height {
            for x in 0..<size.width { out.append(cells[y * size.width + x].symbol) }
            if y < size.height - 1 { out.append("\n") }
        }
        return out
    }

    /// The rows as strings.
    package var lines: [String] { size.height == 0 ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// The frame with SGR escape sequences (256-colour), one line per row, reset at each line end.
    package var ansi: String { ansiRows.joined(separator: "\n") }

    /// Each row with its SGR escape sequences, ending with a reset.
    package var ansiRows: [String] {
        (0..<size.height).map { y in
            var out = ""
            var current: Style? = nil
            for x in 0..<size.width {
                let c = cells[y * size.width + x]
                if c.style != current {
                    out += ANSI.sgr(c.style)
                    current = c.style
                }
                out.append(c.symbol)
            }
            return out + "\u{1B}[0m"
        }
    }
}

/// SGR escape sequences for styles.
package enum ANSI {
    package static func sgr(_ s: Style) -> String {
        var codes = ["0"]
        if s.bold { codes.append("1") }
        if s.dim { codes.append("2") }
        if s.reverse { codes.append("7") }
        if case .indexed(let i) = s.foreground { codes.append("38;5;\(i)") }
        if case .indexed(let i) = s.background { codes.append("48;5;\(i)") }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}
