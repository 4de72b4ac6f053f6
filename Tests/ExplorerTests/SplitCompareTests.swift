import Testing
import Foundation
import SnapshotTesting
import FlowApp
import FlowModels
import FlowRender

/// The split compare view (`c`, issue 14): keys through the reducer, and the live loop with
/// two workers through `ScriptedBackend` at both sizes.
@MainActor
struct SplitCompareTests {
    static func start() -> ExplorerState {
        ExplorerState(model: .realnvp, dataset: "8gaussians", seed: 3, size: Size(width: 160, height: 48),
                      datasetCycle: ["8gaussians", "moons"], modelCycle: [.realnvp, .glow, .nsf])
    }

    @Test func cAddsTheNextModelAndCAgainGoesBack() {
        var s = Self.start()
        #expect(ReducerTests.press("c", &s) == [.relayout, .startCompare(generation: 1)])
        #expect(s.compareModel == .glow && s.model == .realnvp && s.comparing)
        var snap = ModelSnapshot(model: .glow, dataset: "8gaussians", seed: 3)
        snap.generation = 1
        _ = Reducer.reduce(&s, .compareSnapshot(snap))
        #expect(s.compareSnapshot?.model == .glow)
        #expect(ReducerTests.press("c", &s) == [.stopCompare, .relayout])
        #expect(!s.comparing && s.compareSnapshot == nil && s.model == .realnvp)
        // A late snapshot of the finished compare run is dropped.
        _ = Reducer.reduce(&s, .compareSnapshot(snap))
        #expect(s.compareSnapshot == nil)
    }

    @Test func mAndShiftMPickTheRightHandModelWhileComparing() {
        var s = Self.start()
        _ = ReducerTests.press("c", &s)
        let leftGeneration = s.generation
        // glow → nsf → (skips realnvp, the left model) glow.
        #expect(ReducerTests.press("m", &s) == [.startCompare(generation: 2)] && s.compareModel == .nsf)
        #expect(ReducerTests.press("m", &s) == [.startCompare(generation: 3)] && s.compareModel == .glow)
        #expect(ReducerTests.press("M", &s) == [.startCompare(generation: 4)] && s.compareModel == .nsf)
        #expect(s.model == .realnvp && s.generation == leftGeneration)
        // Stale: a snapshot of generation 3 never shows once 4 started.
        var old = ModelSnapshot(model: .glow, dataset: "8gaussians", seed: 3)
        old.generation = 3
        _ = Reducer.reduce(&s, .compareSnapshot(old))
        #expect(s.compareSnapshot == nil)
        // Data and reset restart both runs.
        #expect(ReducerTests.press("d", &s) == [.restart(generation: leftGeneration + 1), .startCompare(generation: 5)])
        #expect(ReducerTests.press("r", &s) == [.restart(generation: leftGeneration + 2), .startCompare(generation: 6)])
        // Back to one model: m cycles the left model again.
        _ = ReducerTests.press("c", &s)
        #expect(ReducerTests.press("m", &s) == [.restart(generation: leftGeneration + 3)] && s.model == .glow)
    }

    @Test func layoutsNeverOverlapAndFitTheScreen() {
        for size in [Size(width: 160, height: 48), Size(width: 120, height: 40), Size(width: 80, height: 24), Size(width: 60, height: 18)] {
            var s = Self.start()
            s.size = size
            _ = ReducerTests.press("c", &s)
            let l = ExplorerLayout(s)
            let rects = [l.target, l.density, l.samples, l.compareDensity, l.compareSamples, l.leaderboard].filter { !$0.isEmpty }
            for (i, a) in rects.enumerated() {
                #expect(a.x >= 0 && a.maxX <= size.width && a.y >= 1 && a.maxY <= size.height - 1)
                for b in rects[(i + 1)...] { #expect(a.intersection(b).isEmpty, "\(size): \(a) overlaps \(b)") }
            }
            #expect(!l.density.isEmpty && !l.compareDensity.isEmpty && !l.leaderboard.isEmpty)
            #expect(l.status.isEmpty && l.special.isEmpty)
            #expect(l.density.width == l.compareDensity.width || abs(l.density.width - l.compareDensity.width) == 1)
        }
    }

    /// Whole-screen references of the compare view after seeded training, at both sizes
    /// (recorded with SNAPSHOT_TESTING_RECORD=missing; CI runs with =never).
    @Test(arguments: [Size(width: 160, height: 48), Size(width: 80, height: 24)])
    func compareFrame(_ size: Size) throws {
        let o = HeadlessExplorer.Options(model: .realnvp, dataset: "8gaussians", iterations: 120, size: size)
        let frame = try HeadlessExplorer.compareFrame(o, right: .nsf)
        let text = frame.text
        #expect(text.contains("realnvp density") && text.contains("nsf density") && text.contains("Leaderboard"))
        assertSnapshot(of: text, as: .lines, named: "realnvp-vs-nsf-8gaussians-\(size.width)x\(size.height)")
        #expect(try HeadlessExplorer.compareFrame(o, right: .nsf) == frame)
    }

    static func make(_ backend: ScriptedBackend) -> ExplorerLoop {
        ExplorerLoop(model: .realnvp, dataset: "moons", seed: 3, backend: backend, datasetCycle: ["moons", "8gaussians"])
    }

    @Test(arguments: [Size(width: 160, height: 48), Size(width: 80, height: 24)])
    func cThroughTheLoopShowsBothModelsAndTheLeaderboard(_ size: Size) {
        let backend = ScriptedBackend(size: size)
        let loop = Self.make(backend)
        loop.start()
        defer { loop.stop() }
        backend.events = [.key("c")]
        #expect(ExplorerLoopTests.turns(loop) {
            loop.state.snapshot != nil && loop.state.compareSnapshot?.density != nil && loop.state.snapshot?.density != nil
        })
        #expect(loop.state.compareSnapshot?.model == .glow && loop.state.snapshot?.model == .realnvp)
        #expect(ExplorerLoopTests.turns(loop) { backend.lastText.contains("glow density") })
        let text = backend.lastText
        #expect(text.contains("realnvp density") && text.contains("glow density"))
        #expect(text.contains("Leaderboard") && text.contains("NLL") && text.contains("E-dist"))
        #expect(text.contains("realnvp vs glow on moons"))
        #expect(!text.contains("Status"))
        #expect(text.contains("Target: moons") == (size.width >= 120))
        #expect(backend.frames.last?.size == size)
        // Both train: the right-hand iteration count moves on.
        let first = loop.state.compareSnapshot?.iteration ?? 0
        #expect(ExplorerLoopTests.turns(loop) { (loop.state.compareSnapshot?.iteration ?? 0) > first })
        // m: another right-hand model (nsf), the left keeps its run.
        let leftGeneration = loop.state.generation
        backend.events = [.key("m")]
        #expect(ExplorerLoopTests.turns(loop) { loop.state.compareSnapshot?.model == .nsf })
        #expect(loop.state.generation == leftGeneration && loop.state.snapshot?.model == .realnvp)
        #expect(ExplorerLoopTests.turns(loop) { backend.lastText.contains("nsf density") })
        // c again: one model, the status panel is back.
        backend.events = [.key("c")]
        #expect(ExplorerLoopTests.turns(loop) { backend.lastText.contains("Status") && !backend.lastText.contains("Leaderboard") })
        #expect(!loop.state.comparing)
    }

    /// m then M while comparing: the right-hand side shows the last run only, and a resize
    /// reaches the second worker (its density at the new panel's resolution).
    @Test func staleCompareRunsAreDroppedAndResizeReachesBothWorkers() {
        let backend = ScriptedBackend(size: Size(width: 160, height: 48))
        let loop = Self.make(backend)
        loop.start()
        defer { loop.stop() }
        backend.events = [.key("c"), .key("m"), .key("M")]
        #expect(ExplorerLoopTests.turns(loop) { loop.state.compareSnapshot != nil })
        #expect(loop.state.compareGeneration == 3 && loop.state.compareSnapshot?.generation == 3)
        #expect(loop.state.compareModel == .glow && loop.state.compareSnapshot?.model == .glow)
        backend.events = [.resize(Size(width: 80, height: 24))]
        #expect(ExplorerLoopTests.turns(loop) {
            let want = ExplorerLayout.compareGeometry(for: loop.state).densityPixels
            return loop.state.size.width == 80 && loop.state.compareSnapshot?.density?.width == want.width
                && loop.state.compareSnapshot?.density?.height == want.height
                && loop.state.snapshot?.density?.width == ExplorerLayout.geometry(for: loop.state).densityPixels.width
        })
        #expect(backend.frames.last?.size == Size(width: 80, height: 24) && backend.lastText.contains("Leaderboard"))
    }
}
