import Foundation
import FlowRender

/// The status panel: run figures, the loss sparkline and the latest event.
package struct StatusPanel: Widget {
    package var state: ExplorerState

    package init(state: ExplorerState) { self.state = state }

    static func format(_ v: Double?, _ spec: String = "%.4f") -> String {
        guard let v, v.isFinite else { return "—" }
        return String(format: spec, v)
    }

    package func render(in area: Rect, on frame: inout Frame) {
        let caps = state.capabilities
        Panel(title: "Status", capabilities: caps).render(in: area, on: &frame)
        let inner = Panel.inner(area)
        guard !inner.isEmpty else { return }
        let snap = state.snapshot
        var rows: [(String, String)] = [
            ("Model", state.model.rawValue),
            ("Data", state.dataset),
            ("Iter", snap.map { String($0.iteration) } ?? "—"),
            ("Speed", snap?.itersPerSecond.map { String(format: "%.0f it/s", $0) } ?? "—"),
            ("Frames", state.framesPerSecond.map { String(format: "%.0f /s", $0) } ?? "—"),
            ("Loss", Self.format(snap?.loss)),
        ]
        if let columns = snap?.columns {
            // A user's CSV: which columns, what was skipped, and train vs held-out NLL (overfitting).
            rows.insert(("Columns", columns.joined(separator: ", ")), at: 2)
            if let skipped = snap?.skippedRows, skipped > 0 { rows.insert(("Skipped", "\(skipped) rows (NA)"), at: 3) }
            rows.append(("TrainNLL", Self.format(snap?.trainNLL)))
            rows.append(("Held NLL", Self.format(snap?.testNLL)))
        } else {
            rows.append(("Test NLL", Self.format(snap?.testNLL)))
        }
        if let floor = snap?.entropyFloor {
            rows.append(("Floor", String(format: "%.3f", floor)))
            rows.append(("Gap", snap?.testNLL.map { String(format: "%+.3f nats", $0 - floor) } ?? "—"))
        } else {
            rows.append(("Floor", "unknown"))
        }
        rows.append(("LR", snap.map { String(format: "%.1e", $0.learningRate) } ?? "—"))
        rows.append(("Seed", String(state.seed)))
        rows.append(("State", state.paused ? "paused" : "training"))
        // The model's own figures (running means), labelled and formatted as it declares them.
        for (figure, v) in (snap?.figures ?? [:]).sorted(by: { $0.key.id < $1.key.id }) {
            rows.append((figure.label, Self.format(v, figure.format)))
        }
        for c in snap?.controls ?? [] { rows.append((c.label, c.value)) }
        var y = inner.y
        let labelStyle = Style(foreground: caps.colors == .none ? .default : .gray)
        for (k, v) in rows where y < inner.maxY {
            let x = frame.write(k.padding(toLength: 9, withPad: " ", startingAt: 0), x: inner.x, y: y, style: labelStyle, clip: inner)
            frame.write(v, x: x, y: y, style: .bold, clip: inner)
            y += 1
        }
        if y + 2 < inner.maxY, let history = snap?.lossHistory, !history.isEmpty {
            y += 1
            frame.write("Loss history", x: inner.x, y: y, style: labelStyle, clip: inner)
            Sparkline(values: history, capabilities: caps).render(in: Rect(x: inner.x, y: y + 1, width: inner.width, height: 1), on: &frame)
            y += 2
        }
        if let event = snap?.event, y + 1 < inner.maxY {
            y += 1
            let style = Style(foreground: caps.colors == .none ? .default : .brightRed, bold: true)
            for line in wrap(event, width: inner.width) where y < inner.maxY {
                frame.write(line, x: inner.x, y: y, style: style, clip: inner)
                y += 1
            }
        }
    }

    func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty { current = String(word) }
            else if current.count + 1 + word.count <= width { current += " " + word }
            else { lines.append(current); current = String(word) }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
