import Testing
import Foundation
import FlowApp
import FlowModels
import FlowRender

/// The training thread: it publishes snapshots, obeys pause/step/restart, saves atomically and
/// reports load errors as messages.
struct TrainerWorkerTests {
    static func waitForSnapshot(_ w: TrainerWorker, where ok: (ModelSnapshot) -> Bool, seconds: Double = 20) -> ModelSnapshot? {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if let s = w.takeSnapshot(), ok(s) { return s }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return nil
    }

    static func waitForMessage(_ w: TrainerWorker, containing text: String, seconds: Double = 10) -> String? {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if let m = w.takeMessages().first(where: { $0.contains(text) }) { return m }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return nil
    }

    /// Snapshots built on a second core, and between training slices as on a one-core machine.
    @Test(arguments: [true, false])
    func trainsPausesStepsSavesAndRestarts(threadedSnapshots: Bool) throws {
        let geometry = ExplorerLayout(size: Size(width: 80, height: 24)).geometry
        let w = TrainerWorker(model: .realnvp, dataset: "moons", seed: 2, geometry: geometry, threadedSnapshots: threadedSnapshots)
        w.start()
        defer { w.stop() }
        let running = try #require(Self.waitForSnapshot(w) { $0.iteration > 20 && $0.density != nil })
        #expect(running.model == .realnvp && running.samples.count == SnapshotBuilder.sampleCount)
        w.send(.setPaused(true))
        // Drain until the worker has been quiet for 0.3 s: the last snapshot is the paused state.
        var paused = running
        var quietSince = Date()
        while Date().timeIntervalSince(quietSince) < 0.3 {
            if let s = w.takeSnapshot() { paused = s; quietSince = Date() }
            Thread.sleep(forTimeInterval: 0.01)
        }
        w.send(.step)
        let stepped = try #require(Self.waitForSnapshot(w) { $0.iteration == paused.iteration + 1 })
        #expect(stepped.iteration == paused.iteration + 1)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-worker-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        w.send(.save(path: path))
        #expect(Self.waitForMessage(w, containing: "saved") != nil)
        #expect(try Checkpoint.read(from: path).training.iteration == stepped.iteration)
        w.send(.load(path: "/nonexistent/x.json"))
        #expect(Self.waitForMessage(w, containing: "load failed") != nil)
        w.send(.restart(model: .glow, dataset: "8gaussians", seed: 2))
        let restarted = try #require(Self.waitForSnapshot(w) { $0.model == .glow })
        #expect(restarted.iteration == 0 && restarted.dataset == "8gaussians")
        w.send(.restart(model: .realnvp, dataset: "no-such-data", seed: 2))
        #expect(Self.waitForMessage(w, containing: "unknown dataset") != nil)
    }
}
