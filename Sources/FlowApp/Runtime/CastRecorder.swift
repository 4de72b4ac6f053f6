import Foundation
import FlowCore
import FlowModels
import FlowRender

/// Records what a `TerminalBackend` shows as an asciicast v2 file (asciinema's format): a JSON
/// header line `{"version": 2, "width", "height", "timestamp", …}`, then one `[seconds, "o",
/// data]` event per drawn frame. Each event carries only the rows that changed since the last
/// frame (cursor move + the row with SGR colours), so a long session stays small; a resize
/// emits an `"r"` event and a full redraw. The file is written next to the destination and
/// moved into place by `finish()`, so an existing file is only replaced by a complete recording.
@MainActor
package final class CastRecorder: TerminalBackend {
    let inner: any TerminalBackend
    private let destination: String
    private let temporary: String
    private let handle: FileHandle
    private let start: Date
    private var previous: Frame?
    private var lastSize: Size
    private var finished = false
    /// Escaped SGR bytes per style (a heatmap row changes style at almost every cell).
    private var sgrCache: [Style: [UInt8]] = [:]

    /// Opens a recording of `inner` at `path`; throws `SafeFile.Failure` if it cannot be written.
    package init(recording inner: any TerminalBackend, to path: String, now: Date = Date()) throws {
        self.inner = inner
        destination = try SafeFile.checkDestination(path)
        temporary = destination + ".partial-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let h = FileHandle(forWritingAtPath: temporary) else {
            throw SafeFile.Failure(reason: "cannot create '\(temporary)'")
        }
        handle = h
        start = now
        let size = inner.size
        lastSize = size
        write("{\"version\": 2, \"width\": \(size.width), \"height\": \(size.height), "
              + "\"timestamp\": \(Int(now.timeIntervalSince1970)), \"env\": {\"TERM\": \"xterm-256color\"}}\n")
    }

    package var size: Size { inner.size }
    package var capabilities: Capabilities { inner.capabilities }
    package func nextEvent(timeoutMilliseconds: Int) -> InputEvent? { inner.nextEvent(timeoutMilliseconds: timeoutMilliseconds) }
    package func invalidate() { inner.invalidate(); previous = nil }

    package func draw(_ frame: Frame) {
        inner.draw(frame)
        guard !finished else { return }
        let t = Date().timeIntervalSince(start)
        if frame.size != lastSize {
            write(Self.event(t, "r", "\(frame.size.width)x\(frame.size.height)"))
            lastSize = frame.size
            previous = nil
        }
        // The event is built as JSON-escaped UTF-8 bytes directly: rows compared cell by cell,
        // only changed rows encoded.
        var out: [UInt8] = Array("[\(String(format: "%.6f", t)), \"o\", \"".utf8)
        let start = out.count
        if previous == nil { out += Array("\\u001b[0m\\u001b[2J".utf8) }
        let w = frame.size.width
        frame.cells.withUnsafeBufferPointer { cells in
            for y in 0..<frame.size.height {
                let row = cells[(y * w)..<((y + 1) * w)]
                if let p = previous, p.cells[(y * w)..<((y + 1) * w)].elementsEqual(row) { continue }
                out += Array("\\u001b[\(y + 1);1H".utf8)
                var current: Style? = nil
                for c in row {
                    if c.style != current {
                        if let cached = sgrCache[c.style] { out += cached } else {
                            var bytes: [UInt8] = []
                            Self.appendEscaped(ANSI.sgr(c.style), to: &bytes)
                            sgrCache[c.style] = bytes
                            out += bytes
                        }
                        current = c.style
                    }
                    if c.symbol.isASCII, let b = c.symbol.asciiValue, b >= 0x20, b != 0x22, b != 0x5C {
                        out.append(b)
                    } else {
                        Self.appendEscaped(c.symbol, to: &out)
                    }
                }
                out += Array("\\u001b[0m".utf8)
            }
        }
        previous = frame
        guard out.count > start else { return }
        out += Array("\"]\n".utf8)
        handle.write(Data(out))
    }

    /// Appends text as the inside of a JSON string (quotes, backslashes, control characters).
    static func appendEscaped<S: StringProtocol>(_ text: S, to out: inout [UInt8]) {
        for b in text.utf8 { appendEscapedByte(b, to: &out) }
    }

    static func appendEscaped(_ c: Character, to out: inout [UInt8]) {
        for b in c.utf8 { appendEscapedByte(b, to: &out) }
    }

    @inline(__always)
    static func appendEscapedByte(_ b: UInt8, to out: inout [UInt8]) {
        switch b {
        case 0x22: out += [0x5C, 0x22]
        case 0x5C: out += [0x5C, 0x5C]
        case 0x1B: out += Array("\\u001b".utf8)
        case ..<0x20: out += Array(String(format: "\\u%04x", b).utf8)
        default: out.append(b)
        }
    }

    /// Closes the file and moves it into place.
    package func finish() throws {
        guard !finished else { return }
        finished = true
        try handle.close()
        guard rename(temporary, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SafeFile.Failure(reason: reason)
        }
    }

    private func write(_ s: String) { handle.write(Data(s.utf8)) }

    /// One event line: `[t, "kind", "data"]` with the data as a JSON string.
    static func event(_ t: Double, _ kind: String, _ data: String) -> String {
        "[" + String(format: "%.6f", t) + ", \"" + kind + "\", " + jsonQuoted(data) + "]\n"
    }
}
