import Foundation
import FlowApp
import FlowData
import FlowModels
import FlowRender
import FlowTerminal

/// The live explorer: the curses screen on the main thread, training on a worker thread.
///
/// Each turn of the loop waits ≤ 12 ms for a key, turns keys into actions, applies them with
/// the pure reducer, executes the effects, folds in the newest snapshot, and redraws when
/// anything changed. Every exit path (q, Ctrl-C, SIGTERM, errors) restores the terminal.
@MainActor
struct ExplorerApp {
    var model: ModelKind
    var dataset: String
    var seed: UInt64
    var ascii: Bool
    var tour: DemoTour?

    func run() throws {
        // Validate names before touching the terminal so errors print normally.
        _ = try Dataset(name: dataset)
        _ = try ModelFactory.make(ModelConfig.defaults(for: model))
        let screen = try CursesScreen(forceASCII: ascii)
        TerminalGuard.install()
        defer { screen.close() }

        var cycle = Dataset.builtinNames
        if dataset.hasPrefix("csv:") { cycle.append(dataset) }
        var state = ExplorerState(model: model, dataset: dataset, seed: seed, size: screen.size,
                                  capabilities: screen.capabilities, datasetCycle: cycle)
        if screen.lacksUTF8 && !ascii { state.message = "no UTF-8 locale: ASCII mode" }
        let worker = TrainerWorker(model: model, dataset: dataset, seed: seed,
                                   geometry: ExplorerLayout(size: state.size).geometry)
        worker.start()
        defer { worker.stop() }
        var tour = self.tour
        var needsDraw = true
        var frameTimes: [Double] = []
        while !state.quitRequested && !TerminalGuard.stopRequested {
            var actions: [Action] = []
            if let event = screen.nextEvent(timeoutMilliseconds: 12) {
                switch event {
                case .key(let k): if let a = Action.forKey(k) { actions.append(a) } else if tour != nil, k == "\t" || k == "\n" { tour?.advance() }
                case .resize(let s): actions.append(.resize(s)); screen.invalidate()
                }
            }
            if let t = tour, let a = t.pendingAction() { actions.append(a); tour?.consumeAction() }
            for action in actions {
                for effect in Reducer.reduce(&state, action) {
                    perform(effect, state: &state, worker: worker, screen: screen)
                }
                needsDraw = true
            }
            if let snap = worker.takeSnapshot() {
                _ = Reducer.reduce(&state, .snapshot(snap))
                needsDraw = true
            }
            for m in worker.takeMessages() {
                _ = Reducer.reduce(&state, .message(m))
                needsDraw = true
            }
            if let t = tour, let caption = t.caption, state.message != caption {
                state.message = caption
                needsDraw = true
            }
            if needsDraw {
                // Frames per second over the last ~2 s of screen updates.
                let now = Date.timeIntervalSinceReferenceDate
                frameTimes.append(now)
                frameTimes.removeAll { now - $0 > 2 }
                if frameTimes.count > 1 { state.framesPerSecond = Double(frameTimes.count - 1) / (now - frameTimes[0]) }
                screen.draw(ExplorerView.render(state))
                needsDraw = false
            }
        }
    }

    func perform(_ effect: Effect, state: inout ExplorerState, worker: TrainerWorker, screen: CursesScreen) {
        switch effect {
        case .restart:
            worker.send(.setSpecialView(state.specialIndex))
            worker.send(.restart(model: state.model, dataset: state.dataset, seed: state.seed))
            worker.send(.setPaused(state.paused))
        case .step: worker.send(.step)
        case .setPaused(let p): worker.send(.setPaused(p))
        case .scaleLearningRate(let f): worker.send(.scaleLearningRate(f))
        case .setSpecialView(let i): worker.send(.setSpecialView(i))
        case .relayout: worker.send(.setGeometry(ExplorerLayout(size: state.size).geometry))
        case .save:
            worker.send(.save(path: TrainerWorker.defaultCheckpointPath(model: state.model, dataset: state.dataset)))
        case .load:
            worker.send(.load(path: TrainerWorker.defaultCheckpointPath(model: state.model, dataset: state.dataset)))
        case .export:
            let iteration = state.snapshot?.iteration ?? 0
            let safe = state.dataset.hasPrefix("csv:") ? "csv" : state.dataset
            let path = "flowlab-frame-\(state.model.rawValue)-\(safe)-\(iteration).txt"
            let frame = ExplorerView.render(state)
            do {
                try SafeFile.write(Data((frame.text + "\n").utf8), to: path)
                state.message = "exported \(path)"
            } catch {
                state.message = "export failed: \(path): \(error)"
            }
        case .toggleModelOption: worker.send(.toggleModelOption)
        case .scaleModelKnob(let f): worker.send(.scaleModelKnob(f))
        case .quit: break
        }
    }
}
