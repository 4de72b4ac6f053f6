import Foundation
import FlowModels
import FlowRender

/// The probe panel: the change of variables at the cross-hair, `log p(x) = log N(z) + Σ log|det|`
/// (or FFJORD's integrated trace, RAD's pieces), the terms one per row, then their sum, so the
/// reader can check that they add up. Terms that do not fit are folded into one "… more" row
/// with their sum, so the column still adds up.
package struct ProbePanel: Widget {
    package var point: Point2
    package var reading: ProbeReading?
    package var capabilities: Capabilities

    package init(point: Point2, reading: ProbeReading?, capabilities: Capabilities) {
        self.point = point
        self.reading = reading
        self.capabilities = capabilities
    }

    /// Rows the panel wants inside its border.
    package static func wantedRows(_ reading: ProbeReading?) -> Int {
        guard let t = reading?.terms else { return 3 }
        return 2 + t.terms.count + 2 + (t.nfe == nil ? 0 : 1)
    }

    static func pair(_ p: Point2) -> String { String(format: "%.3f, %.3f", p.x, p.y) }
    static func value(_ v: Double) -> String { v.isFinite ? String(format: "%+.3f", v) : "—" }

    /// Each term's label for this point: RAD's "log p(k)" shows the piece chosen.
    static func label(_ t: DensityTerm) -> String {
        if let k = t.pieces?.first, t.label.hasSuffix("log p(k)") { return t.label.replacingOccurrences(of: "log p(k)", with: "log p(k=\(k))") }
        return t.label
    }

    package func render(in area: Rect, on frame: inout Frame) {
        Panel(title: "Probe: log p(x)", capabilities: capabilities, highlighted: true).render(in: area, on: &frame)
        let inner = Panel.inner(area)
        guard !inner.isEmpty else { return }
        let dim = Style(foreground: capabilities.colors == .none ? .default : .gray)
        var rows: [(String, String, Style)] = [("x", Self.pair(point), .plain)]
        guard let reading, reading.point == point else {
            rows.append(("", "computing…", dim))
            draw(rows, in: inner, on: &frame)
            return
        }
        guard let terms = reading.terms else {
            rows.append(("", "no tractable density", dim))
            draw(rows, in: inner, on: &frame)
            return
        }
        if let z = terms.z?.first { rows.append(("z = f(x)", Self.pair(z), .plain)) }
        let tail = 2 + (terms.nfe == nil ? 0 : 1)
        let room = inner.height - rows.count - tail
        var shown = terms.terms
        var folded: [DensityTerm] = []
        if shown.count > room, room >= 2 {
            // Keep the first (log N(z)) and the last room − 2, fold the middle.
            folded = Array(shown[1..<(shown.count - (room - 2))])
            shown = [shown[0]] + Array(shown.suffix(room - 2))
        }
        for (i, t) in shown.enumerated() {
            rows.append((Self.label(t), Self.value(t.values[0]), .plain))
            if i == 0 && !folded.isEmpty {
                let sum = folded.reduce(0) { $0 + $1.values[0] }
                rows.append(("… \(folded.count) more terms", Self.value(sum), dim))
            }
        }
        let rule = String(repeating: capabilities.unicode ? "─" : "-", count: inner.width)
        rows.append(("", rule, dim))
        rows.append(("log p(x) = Σ", Self.value(reading.logp ?? .nan), Style(bold: true)))
        if let nfe = terms.nfe { rows.append(("NFE (dopri5)", String(nfe), dim)) }
        draw(rows, in: inner, on: &frame)
    }

    func draw(_ rows: [(String, String, Style)], in inner: Rect, on frame: inout Frame) {
        for (i, row) in rows.enumerated() where i < inner.height {
            let y = inner.y + i
            if row.0.isEmpty && row.1.first == (capabilities.unicode ? "─" : "-") {
                frame.write(row.1, x: inner.x, y: y, style: row.2, clip: inner)
                continue
            }
            let valueX = max(inner.x, inner.maxX - row.1.count)
            let labelRoom = max(0, valueX - inner.x - 1)
            let label = Panel.fit(row.0, width: labelRoom, ellipsis: capabilities.unicode ? "…" : "~")
            frame.write(label, x: inner.x, y: y, style: row.2 == Style(bold: true) ? row.2 : .plain, clip: inner)
            frame.write(row.1, x: valueX, y: y, style: row.2.bold ? row.2 : Style(bold: true), clip: inner)
        }
    }
}
