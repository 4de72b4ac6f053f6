/// Input from a terminal.
public enum InputEvent: Sendable, Equatable {
    case key(Character)
    case resize(Size)
}

/// What the explorer's loop needs from a terminal (ratatui's `Backend`): its size and
/// capabilities, the next input event, and drawing a whole frame. Curses implements it in
/// FlowTerminal; tests implement it with queued keys and recorded frames.
@MainActor
public protocol TerminalBackend: AnyObject {
    var size: Size { get }
    var capabilities: Capabilities { get }
    /// Waits up to `timeoutMilliseconds` for a key or a resize.
    func nextEvent(timeoutMilliseconds: Int) -> InputEvent?
    /// Shows `frame` (a backend may diff against the previous one).
    func draw(_ frame: Frame)
    /// Forces a full redraw next time.
    func invalidate()
}
