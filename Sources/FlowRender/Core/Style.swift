/// A terminal colour: the terminal's default, or an index of the xterm 256-colour palette
/// (0–15 are the 16 system colours).
public enum Color: Sendable, Equatable, Hashable {
    case `default`
    case indexed(UInt8)

    public static let black = Color.indexed(0), red = Color.indexed(1), green = Color.indexed(2)
    public static let yellow = Color.indexed(3), blue = Color.indexed(4), magenta = Color.indexed(5)
    public static let cyan = Color.indexed(6), white = Color.indexed(7), gray = Color.indexed(8)
    public static let brightRed = Color.indexed(9), brightGreen = Color.indexed(10)
    public static let brightYellow = Color.indexed(11), brightBlue = Color.indexed(12)
    public static let brightMagenta = Color.indexed(13), brightCyan = Color.indexed(14), brightWhite = Color.indexed(15)
}

/// How a cell is drawn.
public struct Style: Sendable, Equatable, Hashable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(foreground: Color = .default, background: Color = .default,
                bold: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let dim = Style(dim: true)
    public static let reversed = Style(reverse: true)
}

/// One terminal cell. `symbol` is a single-width character.
public struct Cell: Sendable, Equatable, Hashable {
    public var symbol: Character
    public var style: Style
    public init(_ symbol: Character = " ", style: Style = .plain) {
        self.symbol = symbol
        self.style = style
    }
    public static let blank = Cell()
}

/// What the terminal can show. Widgets choose glyphs and colours from it.
public struct Capabilities: Sendable, Equatable, Hashable {
    public enum ColorDepth: Sendable, Equatable, Hashable { case none, sixteen, full256 }
    /// Colours available (`.none` with `NO_COLOR`).
    public var colors: ColorDepth
    /// Unicode half-blocks, braille and box drawing (false without a UTF-8 locale or with `--ascii`).
    public var unicode: Bool

    public init(colors: ColorDepth = .full256, unicode: Bool = true) {
        self.colors = colors
        self.unicode = unicode
    }

    public static let full = Capabilities()
    public static let ascii = Capabilities(colors: .none, unicode: false)
}
