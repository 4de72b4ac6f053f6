import CNCurses
import FlowRender
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the terminal could not be used, with one clear line for the user.
package struct TerminalError: Error, CustomStringConvertible, Sendable {
    package let message: String
    package var description: String { message }
}

/// The one place FlowLab talks to ncurses: starts and restores the terminal, draws `Frame`s
/// by diffing against the previous one, and decodes keys. Main-thread only (ncurses is not
/// thread-safe); all calls go through the shim accessors (docs/ARCHITECTURE.md, "Terminal").
@MainActor
package final class CursesScreen: TerminalBackend {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private var previous: Frame?
    private var pairs: [Int64: Int16] = [:]
    private var nextPair: Int16 = 1
    private let colorCount: Int
    package private(set) var capabilities: Capabilities
    private var closed = false

    /// Starts curses on the controlling terminal.
    /// - Parameters:
    ///   - forceASCII: draw without Unicode glyphs or colour (`--ascii`).
    package init(forceASCII: Bool) throws {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw TerminalError(message: "not a terminal (stdin/stdout redirected); use `flowlab render --size 120x40` for headless frames")
        }
        setlocale(LC_ALL, "")
        let codeset = String(cString: cn_codeset())
        let utf8 = codeset.uppercased().replacingUTF8Dash() == "UTF8"
        // newterm (unlike initscr) returns nil instead of exiting when TERM is unusable.
        guard let scr = cn_newterm_stdio() else {
            let term = String(cString: getenv("TERM") ?? strdup("(unset)"))
            throw TerminalError(message: "cannot use terminal type '\(term)'; set TERM (e.g. xterm-256color) or use `flowlab render`")
        }
        set_term(scr)
        // A terminal that cannot address the cursor (TERM=dumb) can only show fragments.
        guard cn_can_address_cursor() != 0 else {
            endwin()
            delscreen(scr)
            let term = String(cString: getenv("TERM") ?? strdup("(unset)"))
            throw TerminalError(message: "terminal type '\(term)' cannot move the cursor, which the explorer needs; set TERM (e.g. xterm-256color) or use `flowlab render`")
        }
        screen = scr
        window = cn_stdscr()
        cbreak()
        noecho()
        keypad(window, true)
        curs_set(0)
        cn_enable_mouse()
        _ = cn_set_esc_delay(25)
        var colors = Capabilities.ColorDepth.none
        var count = 0
        let noColor = getenv("NO_COLOR").map { String(cString: $0).isEmpty == false } ?? false
        if has_colors() && !noColor && !forceASCII {
            start_color()
            use_default_colors()
            count = Int(cn_colors())
            colors = count >= 256 ? .full256 : (count >= 8 ? .sixteen : .none)
        }
        colorCount = count
        capabilities = Capabilities(colors: colors, unicode: utf8 && !forceASCII)
    }

    /// True when the locale is not UTF-8 (the explorer says so in its title bar).
    package var lacksUTF8: Bool { !capabilities.unicode }

    package var size: Size {
        var h: Int32 = 0, w: Int32 = 0
        cn_getmaxyx(window, &h, &w)
        return Size(width: Int(w), height: Int(h))
    }

    /// Waits up to `timeoutMilliseconds` for a key or a resize.
    package func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        wtimeout(window, Int32(timeoutMilliseconds))
        var wc: wint_t = 0
        let r = wget_wch(window, &wc)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            switch Int32(wc) {
            case KEY_RESIZE:
                previous = nil
                return .resize(size)
            case KEY_MOUSE:
                var x: Int32 = 0, y: Int32 = 0
                let kind = cn_get_mouse(&x, &y)
                return kind == 0 ? nil : .mouse(MouseEvent(x: Int(x), y: Int(y), doubleClick: kind == 2))
            case KEY_UP: return .key(Key.up)
            case KEY_DOWN: return .key(Key.down)
            case KEY_LEFT: return .key(Key.left)
            case KEY_RIGHT: return .key(Key.right)
            case KEY_SR: return .key(Key.shiftUp)
            case KEY_SF: return .key(Key.shiftDown)
            case KEY_SLEFT: return .key(Key.shiftLeft)
            case KEY_SRIGHT: return .key(Key.shiftRight)
            case KEY_BTAB: return .key(Key.backTab)
            default: return nil
            }
        }
        guard let scalar = Unicode.Scalar(UInt32(wc)) else { return nil }
        return .key(Character(scalar))
    }

    /// Draws the cells that changed since the last frame, then refreshes.
    package func draw(_ frame: Frame) {
        let full = previous == nil || previous!.size != frame.size
        if full { werase(window) }
        for y in 0..<frame.size.height {
            for x in 0..<frame.size.width {
                let cell = frame[x, y]
                if !full, let prev = previous, prev[x, y] == cell { continue }
                put(cell, x: x, y: y)
            }
        }
        previous = frame
        wrefresh(window)
    }

    /// Forces a full redraw next time (after a resize or when the screen may be garbled).
    package func invalidate() { previous = nil; clearok(window, true) }

    private func put(_ cell: Cell, x: Int, y: Int) {
        var attrs: attr_t = 0
        if cell.style.bold { attrs |= cn_a_bold() }
        if cell.style.reverse { attrs |= cn_a_reverse() }
        if cell.style.dim { attrs |= cn_a_dim() }
        let pair = pairNumber(cell.style.foreground, cell.style.background)
        var cc = cchar_t()
        var chars: [wchar_t] = cell.symbol.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
        chars.append(0)
        setcchar(&cc, chars, attrs, pair, nil)
        mvwadd_wch(window, Int32(y), Int32(x), &cc)
    }

    private func curses(_ c: Color) -> Int16 {
        guard case .indexed(let i) = c, colorCount > 0 else { return -1 }
        if Int(i) < colorCount { return Int16(i) }
        return Int16(Int(i) % 8)  // 8-colour terminals: bright → normal
    }

    private func pairNumber(_ fg: Color, _ bg: Color) -> Int16 {
        guard colorCount > 0, fg != .default || bg != .default else { return 0 }
        let (f, b) = (curses(fg), curses(bg))
        let key = Int64(f) << 16 | Int64(UInt16(bitPattern: b))
        if let p = pairs[key] { return p }
        if Int(nextPair) >= min(Int(cn_color_pairs()), Int(Int16.max)) {
            // Out of pairs: start over (rare; the next frame redraws everything).
            pairs.removeAll()
            nextPair = 1
            previous = nil
        }
        let p = nextPair
        init_pair(p, f, b)
        pairs[key] = p
        nextPair += 1
        return p
    }

    /// Restores the terminal. Safe to call twice.
    package func close() {
        guard !closed else { return }
        closed = true
        // Leave a clean screen also where there is no alternate screen (TERM=vt100).
        werase(window)
        wmove(window, 0, 0)
        wrefresh(window)
        endwin()
        delscreen(screen)
    }
}

extension String {
    func replacingUTF8Dash() -> String { filter { $0 != "-" } }
}
