import FlowRender

/// Pixel and cell sizes of the plots, which the snapshot builder needs to sample the model
/// at exactly the resolution that will be drawn.
package struct PlotGeometry: Sendable, Equatable, Hashable {
    package var targetPixels: Size
    package var densityPixels: Size
    package var samplesCells: Size
    package var specialCells: Size

    package init(targetPixels: Size, densityPixels: Size, samplesCells: Size, specialCells: Size) {
        self.targetPixels = targetPixels
        self.densityPixels = densityPixels
        self.samplesCells = samplesCells
        self.specialCells = specialCells
    }
}

/// Where everything goes on a screen of a given size: a title row, a 2×2 grid of plot
/// panels, a status panel on the right and a key line at the bottom.
package struct ExplorerLayout: Sendable, Equatable {
    /// Smallest usable terminal.
    package static let minimum = Size(width: 60, height: 18)

    package let size: Size
    package private(set) var title: Rect
    package private(set) var keys: Rect
    package private(set) var target: Rect
    package private(set) var density: Rect
    package private(set) var samples: Rect
    package private(set) var special: Rect
    package private(set) var status: Rect
    /// A lesson's caption panel across the bottom (empty outside the lessons).
    package private(set) var caption: Rect
    /// The compare view (`c`): the right-hand model's density and samples, and the leaderboard
    /// (all empty with one model).
    package private(set) var compareDensity = Rect(x: 0, y: 0, width: 0, height: 0)
    package private(set) var compareSamples = Rect(x: 0, y: 0, width: 0, height: 0)
    package private(set) var leaderboard = Rect(x: 0, y: 0, width: 0, height: 0)

    package var isTooSmall: Bool { size.width < Self.minimum.width || size.height < Self.minimum.height }

    /// The layout of an explorer state: with its lesson's caption panel when there is one, and
    /// the focused panel alone over the plots and the status when it is full screen.
    package init(_ state: ExplorerState) {
        self.init(size: state.size, captionLines: state.lesson.map { Lessons.captionLines($0, width: state.size.width).count } ?? 0)
        if state.comparing {
            splitForCompare()
            return
        }
        if state.fullScreen, let f = state.focus {
            let body = Rect(x: 0, y: 1, width: size.width, height: (caption.isEmpty ? keys.y : caption.y) - 1)
            let none = Rect(x: 0, y: 0, width: 0, height: 0)
            target = f == .target ? body : none
            density = f == .density ? body : none
            samples = f == .samples ? body : none
            special = f == .special ? body : none
            status = f == .status ? body : none
        }
    }

    /// The worker's sampling geometry for a state: that of the normal layout (a full-screen
    /// panel scales its picture up).
    package static func geometry(for state: ExplorerState) -> PlotGeometry {
        var s = state
        s.fullScreen = false
        return ExplorerLayout(s).geometry
    }

    /// The right-hand model's sampling geometry in the compare view (no target: the left
    /// model's snapshot carries the shared one).
    package static func compareGeometry(for state: ExplorerState) -> PlotGeometry {
        let layout = ExplorerLayout(state)
        let d = heatArea(layout.compareDensity), s = Panel.inner(layout.compareSamples)
        return PlotGeometry(targetPixels: Size(width: 0, height: 0), densityPixels: Size(width: d.width, height: 2 * d.height),
                            samplesCells: Size(width: s.width, height: s.height), specialCells: Size(width: 0, height: 0))
    }

    /// Rows the leaderboard takes: its borders, a header and a row per model.
    package static let leaderboardRows = 5

    /// The compare view. Wide and tall (≥ 120×32): three columns, the shared target over the
    /// leaderboard, then each model's density over its samples. Smaller: the two densities side
    /// by side over a compact leaderboard (target and samples hidden). No model view or status.
    mutating func splitForCompare() {
        let none = Rect(x: 0, y: 0, width: 0, height: 0)
        let body = Rect(x: 0, y: 1, width: size.width, height: max(0, (caption.isEmpty ? keys.y : caption.y) - 1))
        special = none
        status = none
        if size.width >= 120 && body.height >= 30 {
            let columns = body.columns(3)
            let left = columns[0].rows(2), a = columns[1].rows(2), b = columns[2].rows(2)
            target = left[0]
            leaderboard = left[1]
            density = a[0]
            samples = a[1]
            compareDensity = b[0]
            compareSamples = b[1]
        } else {
            let board = min(Self.leaderboardRows, body.height)
            leaderboard = Rect(x: body.x, y: body.maxY - board, width: body.width, height: board)
            let plots = Rect(x: body.x, y: body.y, width: body.width, height: body.height - board).columns(2)
            target = none
            samples = none
            compareSamples = none
            density = plots[0]
            compareDensity = plots[1]
        }
    }

    /// A panel's rectangle.
    package func rect(of id: PanelID) -> Rect {
        switch id {
        case .target: return target
        case .density: return density
        case .samples: return samples
        case .special: return special
        case .status: return status
        }
    }

    /// `captionLines` > 0 reserves a caption panel of that many lines (plus its border) above
    /// the key line; the plots and the status share what is left.
    package init(size: Size, captionLines: Int = 0) {
        self.size = size
        title = Rect(x: 0, y: 0, width: size.width, height: 1)
        keys = Rect(x: 0, y: max(0, size.height - 1), width: size.width, height: 1)
        let captionHeight = captionLines > 0 ? min(captionLines + 2, max(0, size.height - 2 - 8)) : 0
        caption = Rect(x: 0, y: max(0, size.height - 1 - captionHeight), width: size.width, height: captionHeight)
        let body = Rect(x: 0, y: 1, width: size.width, height: max(0, size.height - 2 - captionHeight))
        let statusWidth = size.width >= 120 ? 34 : 26
        status = Rect(x: body.maxX - statusWidth, y: body.y, width: statusWidth, height: body.height)
        let plots = Rect(x: body.x, y: body.y, width: max(0, body.width - statusWidth), height: body.height)
        let rows = plots.rows(2)
        let top = rows[0].columns(2), bottom = rows[1].columns(2)
        target = top[0]
        density = top[1]
        samples = bottom[0]
        special = bottom[1]
    }

    /// The heatmap area of a density panel: its inside minus the legend row.
    package static func heatArea(_ panel: Rect) -> Rect {
        let inner = Panel.inner(panel)
        return Rect(x: inner.x, y: inner.y, width: inner.width, height: max(0, inner.height - 1))
    }

    package static func legendArea(_ panel: Rect) -> Rect {
        let inner = Panel.inner(panel)
        return Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: inner.height > 0 ? 1 : 0)
    }

    /// The status column split for the probe panel: the probe below, as tall as it wants
    /// (borders included) while the status keeps at least 8 rows.
    package static func splitStatus(_ status: Rect, probeRows: Int) -> (status: Rect, probe: Rect) {
        let probeHeight = max(0, min(probeRows + 2, status.height - 8))
        return (Rect(x: status.x, y: status.y, width: status.width, height: status.height - probeHeight),
                Rect(x: status.x, y: status.maxY - probeHeight, width: status.width, height: probeHeight))
    }

    package var geometry: PlotGeometry {
        let t = Self.heatArea(target), d = Self.heatArea(density)
        let s = Panel.inner(samples), p = Panel.inner(special)
        return PlotGeometry(targetPixels: Size(width: t.width, height: 2 * t.height),
                            densityPixels: Size(width: d.width, height: 2 * d.height),
                            samplesCells: Size(width: s.width, height: s.height),
                            specialCells: Size(width: p.width, height: p.height))
    }
}
