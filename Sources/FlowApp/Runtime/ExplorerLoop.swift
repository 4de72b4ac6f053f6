import Foundation
import FlowData
import FlowModels
import FlowRender

/// The live explorer's loop: terminal event → action → reducer → effects → trainer commands,
/// newest snapshot and messages folded in as actions, and a frame drawn when anything changed.
/// Every state change goes through `Reducer.reduce`. The terminal is any `TerminalBackend`
/// (curses in the app, a scripted one in the tests); training runs on a `TrainerWorker`.
@MainActor
package final class ExplorerLoop {
    package private(set) var state: ExplorerState
    let backend: any TerminalBackend
    let worker: TrainerWorker
    /// The compare view's right-hand model (`c`): a second worker on its own thread.
    private(set) var compareWorker: TrainerWorker?
    private var started = false
    /// `--autoplay S`: the course moves to the next lesson every S seconds.
    let autoplay: Double?
    private var lastLessonChange = Date.timeIntervalSinceReferenceDate
    private var needsDraw = true
    private var frameTimes: [Double] = []
    /// How long one turn waits for input.
    package var inputWaitMilliseconds = 12
    /// The scrubber animation's time per stage.
    package var scrubTickSeconds = 0.12
    private var lastScrubTick = 0.0

    /// Cores for snapshots, one per trainer: the compare view's two trainers build theirs
    /// between training slices unless the machine has four cores.
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// `trainingThreads`: data-parallel shards for the single model (the app passes the cores
    /// left after the snapshot core; tests keep 1 so frames do not depend on the machine).
    /// `preloaded`: the dataset, already read (a big CSV is then not read twice).
    package init(model: ModelKind, dataset: String, seed: UInt64, backend: any TerminalBackend,
                datasetCycle: [String], lesson: Int? = nil, autoplay: Double? = nil, message: String? = nil,
                trainingThreads: Int = 1, preloaded: Dataset? = nil) {
        self.backend = backend
        self.autoplay = autoplay
        var s = ExplorerState(model: model, dataset: dataset, seed: seed, size: backend.size,
                              capabilities: backend.capabilities, datasetCycle: datasetCycle)
        _ = Reducer.reduce(&s, .message(message))
        state = s
        worker = TrainerWorker(model: model, dataset: dataset, seed: seed,
                               geometry: ExplorerLayout.geometry(for: s), trainingThreads: trainingThreads,
                               preloaded: preloaded)
        if let lesson { dispatch(.goToLesson(lesson)) }
    }

    /// Runs turns until the user quits or `shouldStop` says so; the worker stops on return.
    package func run(shouldStop: () -> Bool = { false }) {
        start()
        defer { stop() }
        while !state.quitRequested && !shouldStop() { turn() }
    }

    /// Starts training on the worker thread (`run` does this; tests driving `turn` call it).
    package func start() {
        started = true
        worker.start()
        compareWorker?.start()
    }

    /// Stops the worker threads and waits for them.
    package func stop() {
        worker.stop()
        compareWorker?.stop()
    }

    /// One turn: at most one input event, the clocks (scrubber animation, lesson autoplay), the newest snapshot and
    /// messages, then a frame if anything changed.
    package func turn() {
        if let event = backend.nextEvent(timeoutMilliseconds: inputWaitMilliseconds) {
            switch event {
            case .key(let k):
                if let a = Action.forKey(k) { dispatch(a) }
            case .resize(let s):
                backend.invalidate()
                dispatch(.resize(s))
            case .mouse(let m):
                dispatch(.click(m))
            }
        }
        if state.scrubPlaying {
            let now = Date.timeIntervalSinceReferenceDate
            if now - lastScrubTick >= scrubTickSeconds {
                lastScrubTick = now
                dispatch(.scrubTick)
            }
        }
        if let autoplay, state.lesson != nil {
            let now = Date.timeIntervalSinceReferenceDate
            if now - lastLessonChange >= autoplay {
                lastLessonChange = now
                dispatch(.nextLesson)
            }
        }
        if let snap = worker.takeSnapshot() { dispatch(.snapshot(snap)) }
        for m in worker.takeMessages() { dispatch(.message(m)) }
        if let w = compareWorker {
            if let snap = w.takeSnapshot() { dispatch(.compareSnapshot(snap)) }
            for m in w.takeMessages() { dispatch(.message(m)) }
        }
        if needsDraw { draw() }
    }

    /// Applies an action and carries out its effects.
    package func dispatch(_ action: Action) {
        for effect in Reducer.reduce(&state, action) { perform(effect) }
        needsDraw = true
    }

    private func draw() {
        // Frames per second over the last ~2 s of screen updates.
        let now = Date.timeIntervalSinceReferenceDate
        frameTimes.append(now)
        frameTimes.removeAll { now - $0 > 2 }
        if frameTimes.count > 1 {
            _ = Reducer.reduce(&state, .framesPerSecond(Double(frameTimes.count - 1) / (now - frameTimes[0])))
        }
        backend.draw(ExplorerView.render(state))
        needsDraw = false
    }

    /// Effects become trainer commands, or file output for `export`.
    func perform(_ effect: Effect) {
        switch effect {
        case .restart(let generation):
            worker.send(.setSpecialView(state.specialIndex))
            worker.send(.restart(model: state.model, dataset: state.dataset, seed: state.seed, generation: generation,
                                 preset: state.preset))
            worker.send(.setPaused(state.paused))
        case .step:
            worker.send(.step)
            compareWorker?.send(.step)
        case .setPaused(let p):
            worker.send(.setPaused(p))
            compareWorker?.send(.setPaused(p))
        case .scaleLearningRate(let f): worker.send(.scaleLearningRate(f))
        case .setSpecialView(let i): worker.send(.setSpecialView(i))
        case .relayout:
            worker.send(.setGeometry(ExplorerLayout.geometry(for: state)))
            compareWorker?.send(.setGeometry(ExplorerLayout.compareGeometry(for: state)))
        case .startCompare(let generation):
            guard let model = state.compareModel else { return }
            worker.send(.setMeasuringEnergyDistance(true))
            worker.send(.setThreadedSnapshots(Self.cores >= 4))
            if let w = compareWorker {
                w.send(.restart(model: model, dataset: state.dataset, seed: state.seed, generation: generation))
                w.send(.setPaused(state.paused))
            } else {
                let w = TrainerWorker(model: model, dataset: state.dataset, seed: state.seed,
                                      geometry: ExplorerLayout.compareGeometry(for: state), paused: state.paused,
                                      generation: generation, threadedSnapshots: Self.cores >= 4)
                w.send(.setMeasuringEnergyDistance(true))
                compareWorker = w
                if started { w.start() }
            }
        case .stopCompare:
            worker.send(.setMeasuringEnergyDistance(false))
            worker.send(.setThreadedSnapshots(Self.cores >= 2))
            // Not waiting: a slow step (FFJORD) must not freeze the screen; no snapshot of it is read again.
            compareWorker?.requestStop()
            compareWorker = nil
        case .save:
            worker.send(.save(path: TrainerWorker.defaultCheckpointPath(model: state.model, dataset: state.dataset)))
        case .load:
            worker.send(.load(path: TrainerWorker.defaultCheckpointPath(model: state.model, dataset: state.dataset)))
        case .export: dispatch(.message(exportFrame()))
        case .toggleModelOption: worker.send(.toggleModelOption)
        case .scaleModelKnob(let f): worker.send(.scaleModelKnob(f))
        case .setScrubbing(let on): worker.send(.setScrubbing(on))
        case .setProbe(let p): worker.send(.setProbe(p))
        case .timelineStep(let k):
            worker.send(.timelineStep(k))
            compareWorker?.send(.setPaused(true))  // the state shows paused: both are
        case .rewindToGood: worker.send(.rewindToGood)
        case .quit: break
        }
    }

    /// Writes the current frame as text next to the working directory; returns the message.
    private func exportFrame() -> String {
        let iteration = state.snapshot?.iteration ?? 0
        let safe = state.dataset.hasPrefix("csv:") ? "csv" : state.dataset
        let path = "flowlab-frame-\(state.model.rawValue)-\(safe)-\(iteration).txt"
        do {
            try SafeFile.write(Data((ExplorerView.render(state).text + "\n").utf8), to: path)
            return "exported \(path)"
        } catch {
            return "export failed: \(path): \(error)"
        }
    }
}
