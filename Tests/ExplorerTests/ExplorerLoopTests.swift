import Testing
import Foundation
import FlowApp
import FlowModels
import FlowRender

/// A terminal for tests: scripted input, recorded frames.
@MainActor
final class ScriptedBackend: TerminalBackend {
    var size: Size
    let capabilities: Capabilities = .full
    var events: [InputEvent] = []
    var frames: [Frame] = []
    var invalidations = 0

    init(size: Size = Size(width: 100, height: 30)) { self.size = size }

    func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        if events.isEmpty {
            Thread.sleep(forTimeInterval: 0.002)
            return nil
        }
        return events.removeFirst()
    }

    func draw(_ frame: Frame) { frames.append(frame) }
    func invalidate() { invalidations += 1 }
    var lastText: String { frames.last?.text ?? "" }
}

/// The explorer's loop driven like a user would: keys in, frames out.
@MainActor
struct ExplorerLoopTests {
    static func make(_ backend: ScriptedBackend, model: ModelKind = .realnvp) -> ExplorerLoop {
        ExplorerLoop(model: model, dataset: "moons", seed: 3, backend: backend, datasetCycle: ["moons", "8gaussians"])
    }

    /// Runs turns until `done` or a timeout.
    static func turns(_ loop: ExplorerLoop, until done: () -> Bool, seconds: Double = 20) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            loop.turn()
            if done() { return true }
        }
        return false
    }

    @Test func keysChangeModelAndStaleRunsAreDropped() {
        let backend = ScriptedBackend()
        let loop = Self.make(backend)
        loop.start()
        defer { loop.stop() }
        #expect(Self.turns(loop) { loop.state.snapshot?.model == .realnvp })
        backend.events = [.key("m")]
        #expect(Self.turns(loop) { loop.state.snapshot != nil && loop.state.model == .glow })
        #expect(loop.state.snapshot?.model == .glow && loop.state.generation == 1)
        #expect(backend.lastText.contains("Glow"))
        // m then M: back to Real NVP in a third run; nothing of the Glow run may show.
        backend.events = [.key("m"), .key("M")]
        #expect(Self.turns(loop) { loop.state.snapshot != nil && loop.state.generation == 3 })
        #expect(loop.state.model == .glow)
        #expect(loop.state.snapshot?.generation == 3)
        // r: a reset of the same model and data is a new run too.
        backend.events = [.key("r")]
        #expect(Self.turns(loop) { loop.state.generation == 4 && loop.state.snapshot?.generation == 4 })
    }

    @Test func helpPauseResizeAndQuit() {
        let backend = ScriptedBackend()
        let loop = Self.make(backend)
        backend.events = [.key("?"), .key(" ")]
        loop.turn(); loop.turn()
        #expect(backend.lastText.contains("FlowLab keys"))
        #expect(loop.state.paused && backend.lastText.contains("paused"))
        backend.events = [.resize(Size(width: 80, height: 24))]
        loop.turn()
        #expect(loop.state.size == Size(width: 80, height: 24) && backend.invalidations == 1)
        #expect(backend.frames.last?.size == Size(width: 80, height: 24))
        backend.events = [.key("x"), .key("q")]
        loop.run()
        #expect(loop.state.quitRequested)
    }

    @Test func scrubberAndProbeAnswerThroughTheWorker() {
        let backend = ScriptedBackend(size: Size(width: 120, height: 40))
        let loop = Self.make(backend)
        loop.start()
        defer { loop.stop() }
        backend.events = [.key(" "), .key(","), .key(",")]
        #expect(Self.turns(loop) { loop.state.snapshot?.scrub != nil })
        #expect(loop.state.scrubIndex == (loop.state.scrubCount ?? 0) - 3)
        #expect(Self.turns(loop) { backend.lastText.contains("[depth \(loop.state.scrubIndex!)/") })
        backend.events = [.key(Key.left), .key(Key.up)]
        #expect(Self.turns(loop) { loop.state.snapshot?.probe?.point == loop.state.probe && loop.state.probe != nil })
        #expect(Self.turns(loop) { backend.lastText.contains("log p(x) = Σ") })
        let heat = ExplorerLayout.heatArea(ExplorerLayout(size: backend.size).density)
        backend.events = [.mouse(MouseEvent(x: heat.maxX - 3, y: heat.y + 3))]
        #expect(Self.turns(loop) { loop.state.probe != nil && loop.state.snapshot?.probe?.point == loop.state.probe && loop.state.probe!.x > 0 })
        backend.events = [.key(Key.escape)]
        #expect(Self.turns(loop) { !backend.lastText.contains("log p(x) = Σ") && !backend.lastText.contains("[depth") })
    }

    @Test func rewindFullScreenAndLessonKeysThroughTheLoop() {
        let backend = ScriptedBackend(size: Size(width: 120, height: 40))
        let loop = Self.make(backend)
        loop.start()
        defer { loop.stop() }
        #expect(Self.turns(loop) { (loop.state.snapshot?.timeline?.iterations.count ?? 0) >= 2 })
        backend.events = [.key("u")]
        #expect(Self.turns(loop) { loop.state.snapshot?.timeline?.shown != nil })
        #expect(loop.state.paused && backend.lastText.split(separator: "\n").last?.contains("timeline") == true)
        backend.events = [.key(" ")]  // resume from the shown state
        #expect(Self.turns(loop) { loop.state.snapshot?.timeline?.shown == nil && !loop.state.paused })
        backend.events = [.key("F"), .key("F"), .key("f")]
        #expect(Self.turns(loop) { loop.state.fullScreen && loop.state.focus == .density })
        #expect(Self.turns(loop) { !backend.lastText.contains("Status") && backend.lastText.contains("Model density") })
        backend.events = [.mouse(MouseEvent(x: 10, y: 10, doubleClick: true))]  // back
        #expect(Self.turns(loop) { !loop.state.fullScreen && backend.lastText.contains("Status") })
        // Tab does nothing outside the course; inside it, it moves on and the worker follows.
        backend.events = [.key(Key.tab)]
        loop.turn()
        #expect(loop.state.lesson == nil && loop.state.model == .realnvp)
        loop.dispatch(.goToLesson(0))
        backend.events = [.key(Key.tab)]
        #expect(Self.turns(loop) { loop.state.lesson == 1 && loop.state.snapshot?.dataset == Lessons.all[1].dataset })
        #expect(Self.turns(loop) { backend.lastText.contains("Lesson 2/") })
    }

    @Test func staleSnapshotOfAnOlderGenerationIsIgnored() {
        var s = ExplorerState(model: .realnvp, dataset: "moons", seed: 1, size: Size(width: 80, height: 24), datasetCycle: ["moons"])
        let effects = Reducer.reduce(&s, .reset)
        #expect(effects == [.restart(generation: 1)])
        var old = ModelSnapshot(model: .realnvp, dataset: "moons", seed: 1)
        old.generation = 0
        _ = Reducer.reduce(&s, .snapshot(old))
        #expect(s.snapshot == nil)
        old.generation = 1
        _ = Reducer.reduce(&s, .snapshot(old))
        #expect(s.snapshot?.generation == 1)
    }
}
