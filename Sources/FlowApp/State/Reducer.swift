/// The explorer's pure state transition: `(state, action) → (state', effects)`.
public enum Reducer {
    // Long by design: one short case per action, so every state transition is in one place.
    public static func reduce(_ s: inout ExplorerState, _ action: Action) -> [Effect] {
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
            return [restart(&s)]
        case .nextModel, .previousModel:
            s.model = cycle(s.modelCycle, from: s.model, forward: action == .nextModel)
            s.specialIndex = 0
            s.snapshot = nil
            s.message = nil
            return [restart(&s)]
        case .nextDataset, .previousDataset:
            s.dataset = cycle(s.datasetCycle, from: s.dataset, forward: action == .nextDataset)
            s.snapshot = nil
            s.message = nil
            return [restart(&s)]
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

    static func cycle<T: Equatable>(_ items: [T], from current: T, forward: Bool) -> T {
        guard !items.isEmpty else { return current }
        let i = items.firstIndex(of: current) ?? 0
        let n = items.count
        return items[(i + (forward ? 1 : n - 1)) % n]
    }
}
