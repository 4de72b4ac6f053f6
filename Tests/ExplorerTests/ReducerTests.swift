import Testing
import FlowApp
import FlowModels
import FlowRender

/// Key sequences → expected state and effects.
struct ReducerTests {
    static func start() -> ExplorerState {
        ExplorerState(model: .realnvp, dataset: "8gaussians", seed: 3, size: Size(width: 120, height: 40),
                      datasetCycle: ["8gaussians", "moons", "u1"], modelCycle: [.realnvp, .glow])
    }

    static func press(_ keys: String, _ s: inout ExplorerState) -> [Effect] {
        var all: [Effect] = []
        for k in keys { if let a = Action.forKey(k) { all += Reducer.reduce(&s, a) } }
        return all
    }

    @Test func pauseAndSingleStep() {
        var s = Self.start()
        #expect(Self.press(" ", &s) == [.setPaused(true)] && s.paused)
        #expect(Self.press(" ", &s) == [.setPaused(false)] && !s.paused)
        #expect(Self.press("n", &s) == [.setPaused(true), .step] && s.paused)
        #expect(Self.press("nn", &s) == [.setPaused(true), .step, .setPaused(true), .step])
    }

    @Test func modelAndDatasetCycleBothWays() {
        var s = Self.start()
        #expect(Self.press("m", &s) == [.restart(generation: 1)] && s.model == .glow)
        _ = Self.press("m", &s)
        #expect(s.model == .realnvp)
        _ = Self.press("M", &s)
        #expect(s.model == .glow)
        _ = Self.press("dd", &s)
        #expect(s.dataset == "u1")
        _ = Self.press("d", &s)
        #expect(s.dataset == "8gaussians")
        _ = Self.press("D", &s)
        #expect(s.dataset == "u1" && s.snapshot == nil)
    }

    @Test func resetKeepsSeedAndSettings() {
        var s = Self.start()
        _ = Self.press("l ", &s)
        #expect(Self.press("r", &s) == [.restart(generation: 1)])
        #expect(s.seed == 3 && !s.logScale && s.paused && s.message == "reset (seed 3)")
    }

    @Test func viewsHelpLearningRateAndFiles() {
        var s = Self.start()
        var snap = ModelSnapshot(model: .realnvp, dataset: "8gaussians", seed: 3)
        snap.specialViewNames = ["a", "b"]
        _ = Reducer.reduce(&s, .snapshot(snap))
        #expect(Self.press("v", &s) == [.setSpecialView(1)])
        #expect(Self.press("v", &s) == [.setSpecialView(0)])
        #expect(Self.press("?", &s) == [] && s.showHelp)
        #expect(Self.press("?", &s) == [] && !s.showHelp)
        #expect(Self.press("+-", &s) == [.scaleLearningRate(2), .scaleLearningRate(0.5)])
        #expect(Self.press("soe", &s) == [.save, .load, .export])
        #expect(Self.press("x", &s) == [])  // unbound keys do nothing
        #expect(Self.press("q", &s) == [.quit] && s.quitRequested)
    }

    @Test func resizeAndStaleSnapshots() {
        var s = Self.start()
        #expect(Reducer.reduce(&s, .resize(Size(width: 80, height: 24))) == [.relayout])
        #expect(Reducer.reduce(&s, .resize(Size(width: 80, height: 24))) == [])
        #expect(s.size == Size(width: 80, height: 24))
        _ = Self.press("m", &s)  // now glow
        _ = Reducer.reduce(&s, .snapshot(ModelSnapshot(model: .realnvp, dataset: "8gaussians", seed: 3)))
        #expect(s.snapshot == nil)  // a snapshot from the replaced run is ignored
        var current = ModelSnapshot(model: .glow, dataset: "8gaussians", seed: 3)
        current.generation = s.generation
        _ = Reducer.reduce(&s, .snapshot(current))
        #expect(s.snapshot?.model == .glow)
    }

    @Test func tooSmallTerminalSaysSo() {
        var s = Self.start()
        s.size = Size(width: 50, height: 12)
        let text = ExplorerView.render(s).text
        #expect(text.contains("Terminal too small: 50x12."))
        #expect(text.contains("at least 60x18"))
        s.size = Size(width: 1, height: 1)
        #expect(ExplorerView.render(s).size == Size(width: 1, height: 1))
        s.size = .zero
        #expect(ExplorerView.render(s).text == "")
    }
}

extension ReducerTests {
    @Test func targetOverlayToggles() {
        var s = Self.start()
        #expect(Self.press("t", &s) == [] && s.samplesOverTarget)
        var snap = ModelSnapshot(model: .realnvp, dataset: "8gaussians", seed: 3)
        snap.samples = [Point2(0, 0)]
        snap.target = FieldGrid(width: 2, height: 2, logValues: [0, -1, -2, -3])
        s.snapshot = snap
        #expect(ExplorerView.render(s).text.contains("Samples over the target"))
        _ = Self.press("t", &s)
        #expect(!s.samplesOverTarget)
    }
}

extension ReducerTests {
    @Test func modelKnobKeys() {
        var s = Self.start()
        #expect(Self.press("[]", &s) == [.scaleModelKnob(0.5), .scaleModelKnob(2)])
    }
}
