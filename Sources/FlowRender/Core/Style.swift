/// A terminal colour: the terminal's default, or an index of the xterm 256-colour palette
/// (0–15 are the 16 system colours).
package enum Color: Sendable, Equatable, Hashable {
    case `default`
    case indexed(UInt8)

    package static let black = Color.indexed(0), red = Color.indexed(1), green = Color.indexed(2)
    package static let yellow = Color.indexed(3), blue = Color.indexed(4), magenta = Color.indexed(5)
    package static let cyan = Color.indexed(6), white = Color.indexed(7), gray = Color.indexed(8)
    package static let brightRed = Color.indexed(9), brightGreen = Color.indexed(10)
    package static let brightYellow = Color.indexed(11), brightBlue = Color.indexed(12)
    package static let brightMagenta = Color.indexed(13), brightCyan = Color.indexed(14), brightWhite = Color.indexed(15)
}

/// How a cell is drawn.
package struct Style: Sendable, Equatable, Hashable {
    package var foreground: Color
    package var background: Color
    package var bold: Bool
    package var reverse: Bool
    package var dim: Bool

    package init(foreground: Color = .default, background: Color = .default,
                bold: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }

    package static let plain = Style()
    package static let bold = Style(bold: true)
    package static let dim = Style(dim: true)
    package static let reversed = Style(reverse: true)
}

/// One terminal cell. `symbol` is a single-width character.
package struct Cell: Sendable, Equatable, Hashable {
    package var symbol: Character
    package var style: Style
    package init(_ symbol: Character = " ", style: Style = .plain) {
        self.symbol = symbol
        self.style = style
    }
    package static let blank = Cell()
}

/// What the terminal can show. Widgets choose glyphs and colours from it.
package struct Capabilities: Sendable, Equatable, Hashable {
    package enum ColorDepth: Sendable, Equatable, Hashable { case none, sixteen, full256 }
    /// Colours available (`.none` with `NO_COLOR`).
    package var colors: ColorDepth
    /// Unicode half-blocks, braille and box drawing (false without a UTF-8 locale or with `--ascii`).
    package var unicode: Bool

    package init(colors: ColorDepth = .full256, unicode: Bool = true) {
        self.colors = colors
        self.unicode = unicode
    }

    package static let full = Capabilities()
    package static let ascii = Capabilities(colors: .none, unicode: false)
}
