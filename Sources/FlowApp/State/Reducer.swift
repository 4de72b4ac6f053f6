import FlowData
import FlowModels

/// The explorer's pure state transition: `(state, action) → (state', effects)`.
package enum Reducer {
    // Long by design: one short case per action, so every state transition is in one place.
    package static func reduce(_ s: inout ExplorerState, _ action: Action) -> [Effect] {
        switch action {
        case .togglePause:
            s.paused.toggle()
            return [.setPaused(s.paused)]
        case .singleStep:
            s.paused = true
            return [.setPaused(true), .step]
        case .reset:
            s.snapshot = nil
            s.message = "reset (seed \(s.seed))"
            return [restart(&s)] + restartCompare(&s)
        case .nextModel where s.comparing, .previousModel where s.comparing:
            // Comparing: m/M choose the right-hand model (never the left one); the left stays.
            var next = cycle(s.modelCycle, from: s.compareModel!, forward: action == .nextModel)
            if next == s.model && s.modelCycle.count > 1 { next = cycle(s.modelCycle, from: next, forward: action == .nextModel) }
            s.compareModel = next
            s.message = nil
            return restartCompare(&s)
        case .nextModel, .previousModel:
            s.model = cycle(s.modelCycle, from: s.model, forward: action == .nextModel)
            if s.preset?.model != s.model { s.preset = nil }
            s.specialIndex = 0
            s.snapshot = nil
            s.message = nil
            return [restart(&s)]
        case .nextDataset, .previousDataset:
            s.dataset = cycle(s.datasetCycle, from: s.dataset, forward: action == .nextDataset)
            s.snapshot = nil
            s.message = nil
            return [restart(&s)] + restartCompare(&s)
        case .fasterLearning:
            return [.scaleLearningRate(2)]
        case .slowerLearning:
            return [.scaleLearningRate(0.5)]
        case .toggleLogScale:
            s.logScale.toggle()
            return []
        case .cycleView:
            let count = max(1, s.snapshot?.specialViewNames.count ?? 1)
            s.specialIndex = (s.specialIndex + 1) % count
            return [.setSpecialView(s.specialIndex)]
        case .toggleHelp:
            s.showHelp.toggle()
            return []
        case .toggleTargetOverlay:
            s.samplesOverTarget.toggle()
            return []
        case .save: return [.save]
        case .load: return [.load]
        case .export: return [.export]
        case .toggleModelOption: return [.toggleModelOption]
        case .scaleModelKnob(let f): return [.scaleModelKnob(f)]
        case .scrubBack, .scrubAhead:
            let wasOff = s.scrubPosition == nil
            // Turning the scrubber on starts at the data (the last stage), then moves.
            let step = action == .scrubBack ? -1 : (wasOff ? 0 : 1)
            if let n = s.scrubCount, n > 0 {
                let p = s.scrubIndex ?? (n - 1)
                s.scrubPosition = min(n - 1, max(0, p + step))
            } else {
                s.scrubPosition = min(Int.max, (s.scrubPosition ?? Int.max) + step)
            }
            s.scrubPlaying = false
            return wasOff ? [.setScrubbing(true)] : []
        case .toggleScrubPlay:
            let wasOff = s.scrubPosition == nil
            if wasOff { s.scrubPosition = 0; s.scrubForward = true }
            s.scrubPlaying.toggle()
            return wasOff ? [.setScrubbing(true)] : []
        case .scrubTick:
            guard s.scrubPlaying, let n = s.scrubCount, n > 1 else { return [] }
            var p = min(s.scrubPosition ?? 0, n - 1)
            if s.scrubForward && p >= n - 1 { s.scrubForward = false }
            if !s.scrubForward && p <= 0 { s.scrubForward = true }
            p += s.scrubForward ? 1 : -1
            s.scrubPosition = p
            return []
        case .moveProbe(let dx, let dy):
            let box = s.snapshot?.viewBox ?? .standard
            let heat = ExplorerLayout.heatArea(ExplorerLayout(s).density)
            let half = ViewBox.canonicalHalfWidth
            var (u, v) = s.probe.map { box.toCanonical($0.x, $0.y) } ?? (0, 0)
            if s.probe != nil {
                u += Double(dx) * 2 * half / Double(max(1, heat.width))
                v += Double(dy) * 2 * half / Double(max(1, heat.height))
            }
            u = min(half, max(-half, u)); v = min(half, max(-half, v))
            let (x, y) = box.fromCanonical(u, v)
            s.probe = Point2(x, y)
            return [.setProbe(s.probe)]
        case .placeProbe(let p):
            s.probe = p
            return [.setProbe(p)]
        case .closeInspectors:
            var effects: [Effect] = []
            if s.scrubPosition != nil { effects.append(.setScrubbing(false)) }
            if s.probe != nil { effects.append(.setProbe(nil)) }
            s.scrubPosition = nil
            s.scrubPlaying = false
            s.probe = nil
            s.showHelp = false
            s.fullScreen = false
            return effects
        case .focusNext:
            let all = PanelID.allCases
            s.focus = all[((s.focus.flatMap { all.firstIndex(of: $0) } ?? -1) + 1) % all.count]
            return []
        case .toggleFullScreen:
            if s.focus == nil { s.focus = .density }
            s.fullScreen.toggle()
            return []
        case .click(let m):
            let layout = ExplorerLayout(s)
            if m.y == layout.keys.y, let hit = Keymap.footerItems(width: layout.keys.width).first(where: { $0.columns.contains(m.x) }) {
                return reduce(&s, hit.action)
            }
            // A click focuses the panel under it; a double click also toggles full screen.
            if let id = PanelID.allCases.first(where: { layout.rect(of: $0).contains(x: m.x, y: m.y) }) {
                s.focus = id
                if m.doubleClick { s.fullScreen.toggle() }
            }
            for panel in [layout.density, layout.target] {
                let heat = ExplorerLayout.heatArea(panel)
                guard heat.contains(x: m.x, y: m.y) else { continue }
                let half = ViewBox.canonicalHalfWidth
                let u = -half + (Double(m.x - heat.x) + 0.5) / Double(heat.width) * 2 * half
                let v = half - (Double(m.y - heat.y) + 0.5) / Double(heat.height) * 2 * half
                let (x, y) = (s.snapshot?.viewBox ?? .standard).fromCanonical(u, v)
                return reduce(&s, .placeProbe(Point2(x, y)))
            }
            return []
        case .timelineBack, .timelineForward:
            s.paused = true
            return [.timelineStep(action == .timelineBack ? -1 : 1)]
        case .rewindToGood:
            s.paused = false
            return [.rewindToGood]
        case .nextLesson, .previousLesson:
            guard let i = s.lesson else { return [] }
            let n = Lessons.all.count
            return reduce(&s, .goToLesson((i + (action == .nextLesson ? 1 : n - 1)) % n))
        case .goToLesson(let i):
            guard Lessons.all.indices.contains(i) else { return [] }
            let l = Lessons.all[i]
            var effects: [Effect] = []
            if s.scrubPosition != nil || l.scrub != nil { effects.append(.setScrubbing(l.scrub != nil)) }
            if s.probe != nil || l.probe != nil { effects.append(.setProbe(l.probe)) }
            if s.comparing { effects.append(.stopCompare) }
            s.compareModel = nil
            s.compareSnapshot = nil
            s.lesson = i
            s.model = l.model
            s.dataset = l.dataset
            s.preset = l.preset
            s.specialIndex = l.view
            s.scrubPosition = l.scrub.map { $0 >= 1 ? Int.max : 0 }
            s.scrubPlaying = l.play
            s.scrubForward = true
            s.probe = l.probe
            s.paused = false
            s.snapshot = nil
            s.message = nil
            s.showHelp = false
            return effects + [.setSpecialView(l.view), .relayout, restart(&s), .setPaused(false)]
        case .toggleCompare:
            s.fullScreen = false
            if s.comparing {
                s.compareModel = nil
                s.compareSnapshot = nil
                s.message = nil
                return [.stopCompare, .relayout]
            }
            guard s.lesson == nil else {
                s.message = "compare is not available in the course"
                return []
            }
            s.compareModel = cycle(s.modelCycle, from: s.model, forward: true)
            s.message = nil
            // The layout changes first (the left worker's geometry), then the right run starts.
            return [.relayout] + restartCompare(&s)
        case .compareSnapshot(let snap):
            guard s.comparing, snap.generation == s.compareGeneration else { return [] }
            s.compareSnapshot = snap
            return []
        case .quit:
            s.quitRequested = true
            return [.quit]
        case .resize(let size):
            guard size != s.size else { return [] }
            s.size = size
            return [.relayout]
        case .snapshot(let snap):
            // Ignore stale snapshots from a run that was just replaced.
            guard snap.generation == s.generation else { return [] }
            s.snapshot = snap
            // The watchdog paused a diverged run: the explorer shows it paused, with the reason.
            if let alert = snap.watchdog, alert.id != s.watchdogAlertID {
                s.watchdogAlertID = alert.id
                s.paused = true
                s.message = alert.message
            }
            return []
        case .message(let m):
            s.message = m
            return []
        case .framesPerSecond(let f):
            s.framesPerSecond = f
            return []
        }
    }

    /// A new training run: the next generation.
    static func restart(_ s: inout ExplorerState) -> Effect {
        s.generation += 1
        return .restart(generation: s.generation)
    }

    /// A new compare run (the next compare generation) when comparing; nothing otherwise.
    static func restartCompare(_ s: inout ExplorerState) -> [Effect] {
        guard s.comparing else { return [] }
        s.compareGeneration += 1
        s.compareSnapshot = nil
        return [.startCompare(generation: s.compareGeneration)]
    }

    static func cycle<T: Equatable>(_ items: [T], from current: T, forward: Bool) -> T {
        guard !items.isEmpty else { return current }
        let i = items.firstIndex(of: current) ?? 0
        let n = items.count
        return items[(i + (forward ? 1 : n - 1)) % n]
    }
}
