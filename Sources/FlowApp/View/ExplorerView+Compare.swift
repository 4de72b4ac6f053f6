import FlowData
import FlowRender

/// The split compare view (`c`, issue 14): two models on the same dataset and seed, each
/// model's density and samples side by side over the shared target, and a leaderboard.
extension ExplorerView {
    /// The title bar's "what": one model's title, or the two compared models' ids.
    static func headline(_ state: ExplorerState) -> String {
        guard let right = state.compareModel else { return "\(state.model.title) on \(state.dataset)" }
        return "\(state.model.rawValue) vs \(right.rawValue) on \(state.dataset)"
    }

    static func renderCompare(_ state: ExplorerState, layout: ExplorerLayout, on frame: inout Frame) {
        guard let right = state.compareModel else { return }
        let caps = state.capabilities
        let viewBox = state.snapshot?.viewBox ?? .standard
        let box = ViewBox.canonicalHalfWidth
        let target = state.snapshot?.target.flatMap { $0.width > 0 ? $0 : nil }
        if !layout.target.isEmpty {
            Panel(title: "Target: \(state.dataset)", capabilities: caps).render(in: layout.target, on: &frame)
            if let target { drawField(target, in: layout.target, log: state.logScale, caps: caps, on: &frame) }
            else { placeholder("computing…", in: layout.target, on: &frame) }
        }
        let scale = state.logScale ? "log" : "linear"
        let sides = [(state.model, state.snapshot, layout.density, layout.samples),
                     (right, state.compareSnapshot, layout.compareDensity, layout.compareSamples)]
        for (model, snap, densityPanel, samplesPanel) in sides {
            if !densityPanel.isEmpty {
                let what = (snap?.densityIsHistogram ?? false) ? "samples histogram" : "density"
                Panel(title: "\(model.rawValue) \(what) (\(scale))", capabilities: caps, highlighted: true).render(in: densityPanel, on: &frame)
                if let d = snap?.density { drawField(d, in: densityPanel, log: state.logScale, caps: caps, on: &frame) }
                else { placeholder(snap == nil ? "training starts…" : "no density", in: densityPanel, on: &frame) }
            }
            if !samplesPanel.isEmpty {
                Panel(title: "\(model.rawValue) samples", capabilities: caps).render(in: samplesPanel, on: &frame)
                let inner = Panel.inner(samplesPanel)
                if let pts = snap?.samples, !pts.isEmpty {
                    if state.samplesOverTarget, let target {
                        FieldPlot(logValues: target.logValues, pixelWidth: target.width, pixelHeight: target.height,
                                  logScale: state.logScale, showLegend: false, capabilities: caps).render(in: inner, on: &frame)
                        PointOverlay(points: canonical(pts, viewBox), box: box, color: .brightYellow, capabilities: caps).render(in: inner, on: &frame)
                    } else {
                        ScatterPlot(points: canonical(pts, viewBox), box: box, color: .brightYellow, capabilities: caps).render(in: inner, on: &frame)
                    }
                }
            }
        }
        if let snap = state.snapshot, !viewBox.isStandard || snap.columns != nil {
            for panel in [layout.target, layout.density, layout.samples, layout.compareDensity, layout.compareSamples] where !panel.isEmpty {
                drawAxes(viewBox, columns: snap.columns, in: panel, caps: caps, on: &frame)
            }
        }
        CompareLeaderboard(state: state).render(in: layout.leaderboard, on: &frame)
        renderKeys(state, layout: layout, on: &frame)
        if state.showHelp {
            HelpOverlay(title: "FlowLab keys", rows: Keymap.helpRows, capabilities: caps).render(in: frame.area, on: &frame)
        }
    }
}

/// The compare view's leaderboard: a row per model (test NLL, gap to the entropy floor, energy
/// distance of the samples to the data, iterations/s, parameters, NFE where the model reports
/// one), columns dropped from the right
/// when the panel is narrow; below, when there is room, each model's loss history.
package struct CompareLeaderboard: Widget {
    package var state: ExplorerState

    package init(state: ExplorerState) { self.state = state }

    /// The columns: header, width, and the cell for a snapshot.
    static var columns: [(header: String, width: Int, cell: (ModelSnapshot) -> String)] { [
        ("Iter", 6, { String($0.iteration) }),
        ("NLL", 7, { StatusPanel.format($0.testNLL, "%.3f") }),
        ("Gap", 7, { s in s.entropyFloor.flatMap { f in s.testNLL.map { String(format: "%+.3f", $0 - f) } } ?? "—" }),
        ("E-dist", 7, { s in StatusPanel.format(s.energyDistance, "%.4f") }),
        ("it/s", 5, { s in s.itersPerSecond.map { String(format: "%.0f", $0) } ?? "—" }),
        ("Params", 7, { s in s.parameterCount.map(CompareLeaderboard.count) ?? "—" }),
        ("NFE", 4, { s in s.figures.first { $0.key.id == "nfe_forward" }.map { String(format: "%.0f", $0.value) } ?? "—" }),
    ] }

    /// 12345 → "12.3k".
    static func count(_ n: Int) -> String {
        n >= 1_000_000 ? String(format: "%.1fM", Double(n) / 1e6) : n >= 1000 ? String(format: "%.1fk", Double(n) / 1e3) : String(n)
    }

    package func render(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty, let right = state.compareModel else { return }
        let caps = state.capabilities
        let floor = state.snapshot?.entropyFloor.map { String(format: " (test NLL; floor %.3f)", $0) } ?? ""
        Panel(title: "Leaderboard" + floor, capabilities: caps).render(in: area, on: &frame)
        let inner = Panel.inner(area)
        guard !inner.isEmpty else { return }
        let models = [(state.model, state.snapshot), (right, state.compareSnapshot)]
        let nameWidth = max(6, models.map { $0.0.rawValue.count }.max() ?? 0) + 1
        var fit = 0, used = nameWidth
        for c in Self.columns where used + c.width <= inner.width { used += c.width; fit += 1 }
        let shown = Self.columns.prefix(fit)
        let labelStyle = Style(foreground: caps.colors == .none ? .default : .gray)
        func line(_ first: String, _ cells: [String], y: Int, style: Style) {
            var text = first.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            for (c, v) in zip(shown, cells) { text += String(repeating: " ", count: max(1, c.width - v.count)) + v }
            frame.write(text, x: inner.x, y: y, style: style, clip: inner)
        }
        line("Model", shown.map(\.header), y: inner.y, style: labelStyle)
        // The lower test NLL leads: its row is bold.
        let nlls = models.map { $0.1?.testNLL ?? .infinity }
        for (i, (model, snap)) in models.enumerated() where inner.y + 1 + i < inner.maxY {
            let leads = nlls[i].isFinite && nlls[i] <= nlls[1 - i]
            line(model.rawValue, snap.map { s in shown.map { $0.cell(s) } } ?? shown.map { _ in "—" }, y: inner.y + 1 + i,
                 style: leads ? .bold : Style())
        }
        // Each model's loss history, when the panel is tall enough.
        var y = inner.y + 4
        for (model, snap) in models {
            guard y + 1 < inner.maxY, let history = snap?.lossHistory, !history.isEmpty else { continue }
            frame.write("\(model.rawValue) loss", x: inner.x, y: y, style: labelStyle, clip: inner)
            Sparkline(values: history, capabilities: caps).render(in: Rect(x: inner.x, y: y + 1, width: inner.width, height: 1), on: &frame)
            y += 3
        }
    }
}
