/// Input from a terminal.
package enum InputEvent: Sendable, Equatable {
    case key(Character)
    case resize(Size)
    /// A mouse button press at a cell (x from the left, y from the top).
    case mouse(MouseEvent)
}

/// A mouse press: where, and whether it was a double click.
package struct MouseEvent: Sendable, Equatable {
    package var x: Int
    package var y: Int
    package var doubleClick: Bool
    package init(x: Int, y: Int, doubleClick: Bool = false) { self.x = x; self.y = y; self.doubleClick = doubleClick }
}

/// Keys that are not characters, as characters of Unicode's private use area (the convention
/// of AppKit's function-key characters), so that one keymap of `Character`s binds them all.
package enum Key {
    package static let up: Character = "\u{F700}"
    package static let down: Character = "\u{F701}"
    package static let left: Character = "\u{F702}"
    package static let right: Character = "\u{F703}"
    package static let shiftUp: Character = "\u{F704}"
    package static let shiftDown: Character = "\u{F705}"
    package static let shiftLeft: Character = "\u{F706}"
    package static let shiftRight: Character = "\u{F707}"
    /// Shift-Tab.
    package static let backTab: Character = "\u{F708}"
    package static let tab: Character = "\t"
    package static let escape: Character = "\u{1B}"
}

/// What the explorer's loop needs from a terminal (ratatui's `Backend`): its size and
/// capabilities, the next input event, and drawing a whole frame. Curses implements it in
/// FlowTerminal; tests implement it with queued keys and recorded frames.
@MainActor
package protocol TerminalBackend: AnyObject {
    var size: Size { get }
    var capabilities: Capabilities { get }
    /// Waits up to `timeoutMilliseconds` for a key or a resize.
    func nextEvent(timeoutMilliseconds: Int) -> InputEvent?
    /// Shows `frame` (a backend may diff against the previous one).
    func draw(_ frame: Frame)
    /// Forces a full redraw next time.
    func invalidate()
}
