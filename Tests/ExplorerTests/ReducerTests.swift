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

/// The scrubber, the probe and the mouse (issue 13).
struct InspectorReducerTests {
    static func withTrack(_ n: Int) -> ExplorerState {
        var s = ReducerTests.start()
        var snap = ModelSnapshot(model: .realnvp, dataset: "8gaussians", seed: 3)
        snap.scrub = ScrubTrack(axis: "depth", stages: (0..<n).map { ScrubStage(label: "stage \($0)", points: [Point2(0, 0)]) })
        s.snapshot = snap
        return s
    }

    @Test func scrubKeysMoveThroughTheTrackAndTurnItOn() {
        var s = Self.withTrack(5)
        #expect(ReducerTests.press(",", &s) == [.setScrubbing(true)])
        #expect(s.scrubIndex == 3)  // on at the data (4), one back
        #expect(ReducerTests.press(",,,,", &s).isEmpty && s.scrubIndex == 0)  // clamped at the base
        _ = ReducerTests.press("..", &s)
        #expect(s.scrubIndex == 2)
        _ = ReducerTests.press(".....", &s)
        #expect(s.scrubIndex == 4)
        var t = Self.withTrack(5)
        #expect(ReducerTests.press(".", &t) == [.setScrubbing(true)] && t.scrubIndex == 4)
        // Before the track arrives the scrubber waits at the data.
        var u = ReducerTests.start()
        _ = ReducerTests.press(",", &u)
        _ = ReducerTests.press(",", &u)
        #expect(u.scrubPosition == Int.max - 2 && u.scrubIndex == nil)
        u.snapshot = Self.withTrack(5).snapshot
        #expect(u.scrubIndex == 2)
        _ = ReducerTests.press(".", &u)
        #expect(u.scrubIndex == 3)
    }

    @Test func playBouncesBackAndForth() {
        var s = Self.withTrack(3)
        #expect(ReducerTests.press("p", &s) == [.setScrubbing(true)] && s.scrubPlaying && s.scrubIndex == 0)
        var seen: [Int] = []
        for _ in 0..<6 { _ = Reducer.reduce(&s, .scrubTick); seen.append(s.scrubIndex!) }
        #expect(seen == [1, 2, 1, 0, 1, 2])
        _ = ReducerTests.press("p", &s)
        _ = Reducer.reduce(&s, .scrubTick)
        #expect(!s.scrubPlaying && s.scrubIndex == 2)
        #expect(Reducer.reduce(&s, .closeInspectors) == [.setScrubbing(false)] && s.scrubPosition == nil)
    }

    @Test func arrowsMoveTheProbeByCellsAndStayInTheBox() throws {
        var s = ReducerTests.start()
        #expect(ReducerTests.press(String(Key.right), &s) == [.setProbe(Point2(0, 0))])  // the first press places it
        let heat = ExplorerLayout.heatArea(ExplorerLayout(size: s.size).density)
        _ = ReducerTests.press(String(Key.right) + String(Key.up), &s)
        let p = try #require(s.probe)
        #expect(abs(p.x - 8.0 / Double(heat.width)) < 1e-9 && abs(p.y - 8.0 / Double(heat.height)) < 1e-9)
        _ = ReducerTests.press(String(repeating: String(Key.shiftLeft), count: 40), &s)
        #expect(s.probe?.x == -4)
        #expect(Reducer.reduce(&s, .closeInspectors) == [.setProbe(nil)] && s.probe == nil)
    }

    @Test func clicksPlaceTheProbeAndActAsFooterKeys() throws {
        var s = ReducerTests.start()
        let layout = ExplorerLayout(size: s.size)
        let heat = ExplorerLayout.heatArea(layout.density)
        // The centre cell of the density heatmap is near (0, 0).
        let effects = Reducer.reduce(&s, .click(MouseEvent(x: heat.x + heat.width / 2, y: heat.y + heat.height / 2)))
        let p = try #require(s.probe)
        #expect(effects == [.setProbe(p)] && abs(p.x) < 0.2 && abs(p.y) < 0.5)
        // The footer's "space pause" item pauses.
        let pause = try #require(Keymap.footerItems(width: layout.keys.width).first { $0.action == .togglePause })
        #expect(Reducer.reduce(&s, .click(MouseEvent(x: pause.columns.lowerBound, y: layout.keys.y))) == [.setPaused(true)])
        #expect(Reducer.reduce(&s, .click(MouseEvent(x: 0, y: 0))).isEmpty)  // the title bar: nothing
    }
}

/// Mouse focus and full screen.
struct FocusReducerTests {
    @Test func clickFocusesDoubleClickAndFGoFullScreenEscReturns() {
        var s = ReducerTests.start()
        let layout = ExplorerLayout(s)
        _ = Reducer.reduce(&s, .click(MouseEvent(x: layout.samples.x + 3, y: layout.samples.y + 3)))
        #expect(s.focus == .samples && !s.fullScreen && s.probe == nil)
        _ = ReducerTests.press("f", &s)
        #expect(s.fullScreen)
        let full = ExplorerLayout(s)
        #expect(full.samples.width == s.size.width && full.density.isEmpty && full.status.isEmpty)
        #expect(ExplorerLayout.geometry(for: s) == layout.geometry)  // the worker keeps sampling as before
        let text = ExplorerView.render(s).text
        #expect(text.contains("Samples") && !text.contains("Status"))
        _ = Reducer.reduce(&s, .closeInspectors)
        #expect(!s.fullScreen)
        _ = Reducer.reduce(&s, .click(MouseEvent(x: layout.status.x + 2, y: layout.status.y + 2, doubleClick: true)))
        #expect(s.focus == .status && s.fullScreen)
        var t = ReducerTests.start()
        _ = ReducerTests.press("f", &t)
        #expect(t.focus == .density && t.fullScreen)
    }
}
