import Foundation
import FlowData
import FlowModels
import FlowRender

/// The explorer's pure view: `render(state) → Frame`. The only producer of pixels.
package enum ExplorerView {
    package static func render(_ state: ExplorerState) -> Frame {
        var frame = Frame(size: state.size)
        let layout = ExplorerLayout(state)
        if layout.isTooSmall {
            renderTooSmall(state, on: &frame)
            return frame
        }
        let caps = state.capabilities
        renderTitle(state, layout: layout, on: &frame)
        if state.comparing {
            renderCompare(state, layout: layout, on: &frame)
            return caps.unicode ? frame : frame.asciiFolded()
        }
        let snap = state.snapshot
        // Everything is drawn on the canonical square [-4, 4]²; `viewBox` maps data onto it
        // (the identity for the built-in datasets).
        let viewBox = snap?.viewBox ?? .standard
        let box = ViewBox.canonicalHalfWidth

        // Target.
        let targetTitle = "Target: \(state.dataset)"
        Panel(title: targetTitle, capabilities: caps, highlighted: state.focus == .target).render(in: layout.target, on: &frame)
        if let t = snap?.target { drawField(t, in: layout.target, log: state.logScale, caps: caps, on: &frame) }
        else { placeholder("computing…", in: layout.target, on: &frame) }

        // Model density.
        let scale = state.logScale ? "log" : "linear"
        let densityTitle = (snap?.densityIsHistogram ?? false) ? "Model samples histogram (\(scale))" : "Model density (\(scale))"
        Panel(title: densityTitle, capabilities: caps, highlighted: state.focus == .density).render(in: layout.density, on: &frame)
        if let d = snap?.density { drawField(d, in: layout.density, log: state.logScale, caps: caps, on: &frame) }
        else { placeholder(snap == nil ? "training starts…" : "no density", in: layout.density, on: &frame) }

        // Samples.
        Panel(title: state.samplesOverTarget ? "Samples over the target" : "Samples", capabilities: caps,
              highlighted: state.focus == .samples)
            .render(in: layout.samples, on: &frame)
        if let pts = snap?.samples, !pts.isEmpty {
            let inner = Panel.inner(layout.samples)
            if state.samplesOverTarget, let t = snap?.target {
                FieldPlot(logValues: t.logValues, pixelWidth: t.width, pixelHeight: t.height, logScale: state.logScale,
                          showLegend: false, capabilities: caps).render(in: inner, on: &frame)
                PointOverlay(points: canonical(pts, viewBox), box: box, color: .brightYellow, capabilities: caps).render(in: inner, on: &frame)
            } else {
                ScatterPlot(points: canonical(pts, viewBox), box: box, color: .brightYellow, capabilities: caps).render(in: inner, on: &frame)
            }
        }

        // The probe's cross-hair over the target and the density.
        if let p = state.probe {
            let (u, v) = viewBox.toCanonical(p.x, p.y)
            for panel in [layout.target, layout.density] {
                Crosshair(point: PlotPoint(u, v), box: box, capabilities: caps).render(in: ExplorerLayout.heatArea(panel), on: &frame)
            }
        }

        // Model-specific view, or the scrubber.
        if state.scrubPosition != nil {
            renderScrub(state, in: layout.special, caps: caps, box: box, on: &frame)
        } else {
            renderSpecial(snap, in: layout.special, caps: caps, box: box, on: &frame)
        }
        if let snap, !viewBox.isStandard || snap.columns != nil {
            for panel in [layout.target, layout.density, layout.samples, layout.special] {
                drawAxes(viewBox, columns: snap.columns, in: panel, caps: caps, on: &frame)
            }
        }
        if let p = state.probe {
            let (status, probe) = ExplorerLayout.splitStatus(layout.status, probeRows: ProbePanel.wantedRows(snap?.probe))
            StatusPanel(state: state).render(in: status, on: &frame)
            ProbePanel(point: p, reading: snap?.probe, capabilities: caps).render(in: probe, on: &frame)
        } else {
            StatusPanel(state: state).render(in: layout.status, on: &frame)
        }
        if let i = state.lesson, !layout.caption.isEmpty {
            Panel(title: Lessons.heading(i, unicode: caps.unicode), capabilities: caps, highlighted: true).render(in: layout.caption, on: &frame)
            let inner = Panel.inner(layout.caption)
            for (k, line) in Lessons.captionLines(i, width: state.size.width).enumerated() where k < inner.height {
                frame.write(" " + line, x: inner.x, y: inner.y + k, clip: inner)
            }
        }
        renderKeys(state, layout: layout, on: &frame)
        if state.showHelp {
            HelpOverlay(title: "FlowLab keys", rows: Keymap.helpRows, capabilities: caps).render(in: frame.area, on: &frame)
        }
        return caps.unicode ? frame : frame.asciiFolded()
    }

    static func renderTooSmall(_ state: ExplorerState, on frame: inout Frame) {
        let min = ExplorerLayout.minimum
        let lines = ["Terminal too small: \(state.size.width)x\(state.size.height).",
                     "FlowLab needs at least \(min.width)x\(min.height).",
                     "Enlarge the window, or press q to quit."]
        for (i, line) in lines.enumerated() {
            let y = state.size.height / 2 - 1 + i
            frame.write(line, x: max(0, (state.size.width - line.count) / 2), y: y)
        }
    }

    static func renderTitle(_ state: ExplorerState, layout: ExplorerLayout, on frame: inout Frame) {
        let caps = state.capabilities
        let style = caps.colors == .none ? Style(reverse: true) : Style(foreground: .black, background: .cyan)
        frame.fill(layout.title, with: Cell(" ", style: style))
        let run = state.paused ? "paused" : "training"
        let dot = caps.unicode ? "·" : "-"
        var text = " FlowLab \(dot) \(headline(state)) \(dot) \(run)"
        if let m = state.message, messageLines(state, layout: layout).isEmpty { text += "  \(dot) \(m)" }
        frame.write(text, x: 0, y: 0, style: Style(foreground: style.foreground, background: style.background,
                                                  bold: true, reverse: style.reverse), clip: layout.title)
        let help = "? help "
        if layout.title.width > text.count + help.count {
            frame.write(help, x: layout.title.maxX - help.count, y: 0, style: style)
        }
    }

    static func renderKeys(_ state: ExplorerState, layout: ExplorerLayout, on frame: inout Frame) {
        let message = messageLines(state, layout: layout)
        if !message.isEmpty {
            // A message too long for the title bar: a message line (or a few) above the bottom.
            let caps = state.capabilities
            let style = caps.colors == .none ? Style(reverse: true) : Style(foreground: .black, background: .cyan)
            for (i, line) in message.enumerated() {
                let row = Rect(x: 0, y: layout.keys.y - (message.count - 1 - i), width: layout.keys.width, height: 1)
                frame.fill(row, with: Cell(" ", style: style))
                frame.write(line, x: 0, y: row.y, style: style, clip: row)
            }
            return
        }
        var footerWidth = layout.keys.width
        if state.lesson != nil {
            // In the course: how to move between lessons, first.
            let hint = " Tab/S-Tab lesson "
            let style = state.capabilities.colors == .none ? Style(reverse: true) : Style(foreground: .black, background: .cyan)
            frame.write(hint, x: 0, y: layout.keys.y, style: style, clip: layout.keys)
            let rest = Keymap.footer(width: max(0, footerWidth - hint.count))
            frame.write(rest, x: hint.count, y: layout.keys.y, style: .dim, clip: layout.keys)
            return
        }
        // Rewound: the position on the timeline, right-aligned, the key list shortened for it.
        if let t = state.snapshot?.timeline, let shown = t.shown, shown < t.iterations.count {
            let mark = " timeline \(shown + 1)/\(t.iterations.count) @ iter \(t.iterations[shown]) "
            footerWidth = max(0, footerWidth - mark.count)
            let style = state.capabilities.colors == .none ? Style(reverse: true) : Style(foreground: .black, background: .yellow)
            frame.write(mark, x: footerWidth, y: layout.keys.y, style: style, clip: layout.keys)
        }
        frame.write(Keymap.footer(width: footerWidth), x: 0, y: layout.keys.y, style: .dim,
                    clip: Rect(x: 0, y: layout.keys.y, width: footerWidth, height: 1))
    }

    /// The message wrapped into lines of the screen's width when it does not fit in the title
    /// bar beside the title (empty when it fits, or there is none). At most 3 lines; a longer
    /// message ends with an ellipsis.
    static func messageLines(_ state: ExplorerState, layout: ExplorerLayout) -> [String] {
        guard let m = state.message else { return [] }
        let dot = state.capabilities.unicode ? "·" : "-"
        let run = state.paused ? "paused" : "training"
        let base = " FlowLab \(dot) \(headline(state)) \(dot) \(run)  \(dot) "
        let width = layout.title.width
        guard base.count + m.count > width else { return [] }
        return wrap(m, width: width - 2, maxLines: 3, ellipsis: state.capabilities.unicode ? "…" : "~").map { " " + $0 }
    }

    /// Greedy word wrap; words longer than a line are split.
    package static func wrap(_ text: String, width: Int, maxLines: Int, ellipsis: Character = "…") -> [String] {
        guard width > 1 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            var w = word
            while !w.isEmpty {
                let room = current.isEmpty ? width : width - current.count - 1
                if w.count <= room {
                    current += (current.isEmpty ? "" : " ") + w
                    w = ""
                } else if current.isEmpty {
                    lines.append(String(w.prefix(width)))
                    w = String(w.dropFirst(width))
                } else {
                    lines.append(current)
                    current = ""
                }
            }
        }
        if !current.isEmpty { lines.append(current) }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            var last = String(lines[maxLines - 1].prefix(width - 1))
            while last.hasSuffix(" ") { last.removeLast() }
            lines[maxLines - 1] = last + String(ellipsis)
        }
        return lines
    }

    static func placeholder(_ text: String, in panel: Rect, on frame: inout Frame) {
        let inner = Panel.inner(panel)
        guard !inner.isEmpty else { return }
        frame.write(text, x: inner.x + max(0, (inner.width - text.count) / 2), y: inner.y + inner.height / 2,
                    style: .dim, clip: inner)
    }

    /// A log-density field as a heatmap with its legend (`FieldPlot`) inside a panel.
    static func drawField(_ field: FieldGrid, in panel: Rect, log: Bool, caps: Capabilities, on frame: inout Frame) {
        FieldPlot(logValues: field.logValues, pixelWidth: field.width, pixelHeight: field.height, logScale: log,
                  capabilities: caps).render(in: Panel.inner(panel), on: &frame)
    }

    /// Points of a view box on the canonical square the widgets draw.
    static func canonical(_ points: [Point2], _ box: ViewBox) -> [PlotPoint] {
        box.isStandard ? points.map { PlotPoint($0.x, $0.y) } : points.map { let (u, v) = box.toCanonical($0.x, $0.y); return PlotPoint(u, v) }
    }

    /// A non-standard box's coordinates at a panel's corners (top right: x max, y max; bottom
    /// left: x min, y min) and the column names on the bottom edge, written into the border.
    static func drawAxes(_ box: ViewBox, columns: [String]?, in panel: Rect, caps: Capabilities, on frame: inout Frame) {
        guard panel.width > 12, panel.height > 2 else { return }
        let style = Style(foreground: caps.colors == .none ? .default : .gray)
        let f = ViewBox.format
        let bottom = panel.maxY - 1, top = panel.y
        let low = " \(f(box.minX)),\(f(box.minY)) "
        let high = " \(f(box.maxX)),\(f(box.maxY)) "
        let edge = Rect(x: panel.x + 1, y: bottom, width: panel.width - 2, height: 1)
        let lowEnd = frame.write(low, x: panel.x + 1, y: bottom, style: style, clip: edge)
        // Top right, unless the title already reaches there.
        let border: Character = caps.unicode ? "─" : "-"
        var titleEnd = panel.maxX - 2
        while titleEnd > panel.x, frame[titleEnd, top].symbol == border { titleEnd -= 1 }
        let highX = panel.maxX - 1 - high.count
        if highX > titleEnd + 1 {
            frame.write(high, x: highX, y: top, style: style, clip: Rect(x: panel.x + 1, y: top, width: panel.width - 2, height: 1))
        }
        guard let columns, columns.count == 2 else { return }
        let arrows = caps.unicode ? (" \(columns[0]) →, \(columns[1]) ↑ ") : (" x: \(columns[0]), y: \(columns[1]) ")
        let namesX = panel.maxX - 1 - arrows.count
        if namesX > lowEnd { frame.write(arrows, x: namesX, y: bottom, style: style, clip: edge) }
    }

    /// The scrubber's stage in the model-view panel: the samples at that depth or time over the
    /// transported grid, the trajectories so far or the regions so far; the title says where.
    static func renderScrub(_ state: ExplorerState, in panel: Rect, caps: Capabilities, box: Double, on frame: inout Frame) {
        let inner = Panel.inner(panel)
        let viewBox = state.snapshot?.viewBox ?? .standard
        guard let snap = state.snapshot else {
            Panel(title: "Scrubber", capabilities: caps).render(in: panel, on: &frame)
            return
        }
        guard let track = snap.scrub, let i = state.scrubIndex else {
            Panel(title: "Scrubber", capabilities: caps).render(in: panel, on: &frame)
            placeholder("computing…", in: panel, on: &frame)
            return
        }
        let stage = track.stages[i]
        let play = state.scrubPlaying ? (caps.unicode ? " ▶" : " >") : ""
        Panel(title: "\(stage.label) [\(track.axis) \(i)/\(track.stages.count - 1)\(play)]", capabilities: caps, highlighted: true)
            .render(in: panel, on: &frame)
        if let r = stage.regions {
            RegionMap(labels: r.labels, pixelWidth: r.width, pixelHeight: r.height, capabilities: caps).render(in: inner, on: &frame)
            PointOverlay(points: canonical(stage.points, viewBox), box: box, color: .black, capabilities: caps).render(in: inner, on: &frame)
            return
        }
        PolylinePlot(polylines: stage.lines.map { canonical($0, viewBox) }, colorIndex: stage.colorIndex, box: box,
                     seriesColors: [.blue, .magenta, .cyan, .green], capabilities: caps).render(in: inner, on: &frame)
        ScatterPlot(points: canonical(stage.points, viewBox), box: box, color: .brightYellow, capabilities: caps).render(in: inner, on: &frame)
    }
}
