import Testing
import Foundation
import FlowApp
import FlowModels
import FlowRender

/// The rewind timeline and the watchdog (issue 13), through the worker and the reducer.
struct TimelineTests {
    static let geometry = ExplorerLayout(size: Size(width: 80, height: 24)).geometry

    /// Drains snapshots until the worker has been quiet for `quiet` seconds; the last one.
    static func settle(_ w: TrainerWorker, quiet: Double = 0.3, seconds: Double = 10) -> ModelSnapshot? {
        var last: ModelSnapshot?
        var quietSince = Date()
        let end = Date().addingTimeInterval(seconds)
        while Date().timeIntervalSince(quietSince) < quiet && Date() < end {
            if let s = w.takeSnapshot() { last = s; quietSince = Date() }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return last
    }

    @Test func stepsBackAndForwardAndBranchesOnResume() throws {
        let w = TrainerWorker(model: .realnvp, dataset: "moons", seed: 4, geometry: Self.geometry)
        w.start()
        defer { w.stop() }
        _ = try #require(TrainerWorkerTests.waitForSnapshot(w) { ($0.timeline?.iterations.count ?? 0) >= 3 })
        w.send(.setPaused(true))
        let live = try #require(Self.settle(w))
        w.send(.timelineStep(-1))
        let back = try #require(Self.settle(w))
        let t = try #require(back.timeline)
        let shown = try #require(t.shown)
        #expect(back.iteration == t.iterations[shown] && back.iteration < live.iteration)
        #expect(back.iteration % 50 == 0 && t.bytes > 0 && t.bytes <= t.capacityBytes)
        w.send(.timelineStep(-1))
        let older = try #require(Self.settle(w))
        #expect(older.iteration == back.iteration - 50)
        w.send(.timelineStep(1))
        #expect(Self.settle(w)?.iteration == back.iteration)
        // Resume from here: later states are dropped and training continues from this one.
        w.send(.setPaused(false))
        let resumed = try #require(TrainerWorkerTests.waitForSnapshot(w) { $0.iteration > back.iteration && $0.timeline?.shown == nil })
        #expect(resumed.timeline?.iterations.last.map { $0 <= resumed.iteration } ?? false)
        #expect(!(resumed.timeline?.iterations.contains(live.iteration) ?? true) || live.iteration <= resumed.iteration)
    }

    @Test func watchdogPausesADivergingRunAndRewindsWithTheRateHalved() throws {
        let w = TrainerWorker(model: .realnvp, dataset: "moons", seed: 5, geometry: Self.geometry)
        w.start()
        defer { w.stop() }
        let healthy = try #require(TrainerWorkerTests.waitForSnapshot(w) { ($0.timeline?.iterations.count ?? 0) >= 2 })
        let lr = healthy.learningRate
        w.send(.setLearningRate(10))
        let alerted = try #require(TrainerWorkerTests.waitForSnapshot(w) { $0.watchdog != nil })
        let alert = try #require(alerted.watchdog)
        #expect(alert.message.contains("paused") && alert.message.contains("iter \(alert.iteration)"))
        #expect(alert.message.contains("w rewinds to iter"))
        #expect(alerted.event == alert.message, "the status panel says what happened and when")
        // Paused: the iteration stands still.
        let paused = Self.settle(w) ?? alerted
        Thread.sleep(forTimeInterval: 0.2)
        if let later = w.takeSnapshot() { #expect(later.iteration == paused.iteration) }
        #expect(TrainerWorkerTests.waitForMessage(w, containing: "watchdog") != nil)
        w.send(.rewindToGood)
        #expect(TrainerWorkerTests.waitForMessage(w, containing: "rewound to iter") != nil)
        let rewound = try #require(TrainerWorkerTests.waitForSnapshot(w) { $0.watchdog == nil })
        #expect(rewound.iteration < alert.iteration + 5)
        #expect(abs(rewound.learningRate - lr * 0.5) < lr * 1e-3, "lr \(rewound.learningRate) vs \(lr)")
        // …and training goes on from there.
        #expect(TrainerWorkerTests.waitForSnapshot(w) { $0.iteration > rewound.iteration + 10 } != nil)
    }

    @Test func reducerPausesOnAnAlertOnceAndMapsTheKeys() {
        var s = ReducerTests.start()
        #expect(ReducerTests.press("u", &s) == [.timelineStep(-1)] && s.paused)
        #expect(ReducerTests.press("U", &s) == [.timelineStep(1)])
        #expect(ReducerTests.press("w", &s) == [.rewindToGood] && !s.paused)
        var snap = ModelSnapshot(model: .realnvp, dataset: "8gaussians", seed: 3)
        snap.watchdog = WatchdogAlert(id: 1, iteration: 120, message: "watchdog: iter 120: loss diverged; paused")
        _ = Reducer.reduce(&s, .snapshot(snap))
        #expect(s.paused && s.message?.contains("iter 120") == true)
        _ = Reducer.reduce(&s, .togglePause)
        _ = Reducer.reduce(&s, .snapshot(snap))  // the same alert again: no second pause
        #expect(!s.paused)
    }

    @Test func footerShowsThePositionWhenRewound() {
        var s = ReducerTests.start()
        var snap = ModelSnapshot(model: .realnvp, dataset: "8gaussians", seed: 3)
        snap.timeline = TimelineReading(iterations: [50, 100, 150], shown: 1, bytes: 1000, capacityBytes: 64 << 20)
        s.snapshot = snap
        let text = ExplorerView.render(s).text
        #expect(text.split(separator: "\n").last?.contains("timeline 2/3 @ iter 100") == true)
    }
}
