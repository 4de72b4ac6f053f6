import Foundation
import FlowCore
import FlowData
import FlowModels
import FlowRender

/// Runs a training session on its own thread and publishes immutable snapshots.
///
/// The UI thread only sends commands and takes the latest snapshot; all model state stays on
/// the worker. Training runs in short slices so commands are answered quickly; between slices
/// the worker hands a copy of the parameters to its `SnapshotWorker`, which builds the density
/// grid, samples and views on a second core (or, on one core, in this thread at a pace that
/// leaves training most of the time).
package final class TrainerWorker: @unchecked Sendable {
    package enum Command: Sendable {
        case restart(model: ModelKind, dataset: String, seed: UInt64, generation: Int = 0, preset: ConfigPreset? = nil)
        case setPaused(Bool)
        case step
        case scaleLearningRate(Float)
        case setGeometry(PlotGeometry)
        case setSpecialView(Int)
        case save(path: String)
        case load(path: String)
        /// Flips the model's first switch (GLF's stop-gradient).
        case toggleModelOption
        /// Scales the model's main knob (CTF's h, FFJORD's tolerances, GLF's β).
        case scaleModelKnob(Double)
        /// Builds the scrubber's track into every snapshot (or stops).
        case setScrubbing(Bool)
        /// The probe's point (data coordinates), nil to stop probing.
        case setProbe(Point2?)
        /// Pauses and shows an older (−1) or newer (+1) state of the timeline.
        case timelineStep(Int)
        /// After a watchdog alert: back to the last good state with the learning rate halved.
        case rewindToGood
        /// Sets the learning rate as given (lesson presets, tests).
        case setLearningRate(Float)
        /// Measure each snapshot's energy distance to the data (the compare view's leaderboard).
        case setMeasuringEnergyDistance(Bool)
        /// Build snapshots on their own thread (true) or between training slices (false).
        case setThreadedSnapshots(Bool)
    }

    let lock = NSLock()
    var commands: [Command] = []
    var latest: ModelSnapshot?
    var published = 0, taken = 0
    var messages: [String] = []
    var stopRequested = false
    var thread: Thread?
    let done = DispatchSemaphore(value: 0)

    // Worker-thread state.
    var session: TrainingSession?
    var paused = false
    var geometry: PlotGeometry
    var specialIndex = 0
    var history: [Double] = []
    var lastLoss: Double?
    /// Running means of the model's figures (NFE, …) for the status panel.
    var figureMeans: Figures = [:]
    var event: String?
    /// Something changed: publish a snapshot rebuilt in full.
    var dirty = true
    /// Something the pictures show changed (the view, the knob): publish soon, refreshing
    /// within the budget.
    var refresh = false
    /// Only the status changed (the learning rate): republish the last pictures with it.
    var statusChanged = false
    /// The run of the newest published snapshot (pictures of another run are never reused).
    var latestRun = -1
    var rateWindow: [(time: Double, iteration: Int)] = []
    var snapshots: SnapshotWorker!
    /// Counts training sessions (restart, load): the snapshot builder's replica follows it.
    var run = 0
    /// Data-parallel shards per batch (the explorer's spare cores).
    let trainingThreads: Int
    /// The run generation stamped on every snapshot.
    var generation = 0
    var scrubbing = false
    var probe: Point2?
    /// The probe or the scrubber changed, nothing else: republish the last snapshot with them.
    var inspectorsChanged = false
    var timeline = Timeline()
    var watchdog = Watchdog()
    var alert: WatchdogAlert?
    var measuresEnergyDistance = false

    /// `threadedSnapshots`: build snapshots on a second core (the default when there is one).
    /// `trainingThreads`: shards per batch (`train --threads`); results differ in float rounding
    /// between shard counts.
    package init(model: ModelKind, dataset: String, seed: UInt64, geometry: PlotGeometry, paused: Bool = false,
                 generation: Int = 0, threadedSnapshots: Bool = ProcessInfo.processInfo.activeProcessorCount > 1,
                 trainingThreads: Int = 1, preloaded: Dataset? = nil) {
        self.geometry = geometry
        self.paused = paused
        self.trainingThreads = trainingThreads
        if let preloaded { datasets[preloaded.name] = preloaded }
        commands = [.restart(model: model, dataset: dataset, seed: seed, generation: generation)]
        snapshots = makeSnapshotWorker(threaded: threadedSnapshots)
    }

    package func start() {
        let t = Thread { [self] in self.loop(); self.done.signal() }
        t.name = "flowlab-trainer"
        t.stackSize = 8 << 20
        thread = t
        t.start()
    }

    package func send(_ c: Command) {
        lock.lock(); commands.append(c); lock.unlock()
    }

    /// The newest snapshot if one arrived since the last call.
    package func takeSnapshot() -> ModelSnapshot? {
        lock.lock(); defer { lock.unlock() }
        guard published != taken else { return nil }
        taken = published
        return latest
    }

    /// Messages for the title bar (saved, loaded, errors), oldest first.
    package func takeMessages() -> [String] {
        lock.lock(); defer { lock.unlock() }
        let m = messages
        messages = []
        return m
    }

    /// Stops the threads and waits for them (at most ~1 s each).
    package func stop() {
        lock.lock(); stopRequested = true; lock.unlock()
        if thread != nil { _ = done.wait(timeout: .now() + 1) }
        snapshots.stop()
    }

    /// Asks the threads to stop after their current step, without waiting (the threads keep
    /// the worker alive until then).
    package func requestStop() {
        lock.lock(); stopRequested = true; lock.unlock()
        snapshots.requestStop()
    }

    func post(_ message: String) {
        lock.lock(); messages.append(message); lock.unlock()
    }

    func now() -> Double { Date.timeIntervalSinceReferenceDate }

    func loop() {
        while true {
            lock.lock()
            let pending = commands
            commands = []
            let stop = stopRequested
            lock.unlock()
            if stop { return }
            for c in pending { handle(c) }
            guard let session else {
                Thread.sleep(forTimeInterval: 0.02)
                continue
            }
            if !paused {
                // Short slices when snapshots are built elsewhere: the hand-over happens between them.
                let sliceEnd = now() + (snapshots.threaded ? 0.004 : 0.012)
                repeat { record(session.step(), session) } while !paused && now() < sliceEnd
            }
            // The status or the probe alone: answered from the last pictures, in this slice.
            let quick = statusChanged || inspectorsChanged
            if quick { publishQuick(session) }
            let routine = !paused && snapshots.wantsRequest
            if dirty || refresh || routine {
                snapshots.submit(request(session))
                dirty = false
                refresh = false
            } else if paused && !quick {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }

    func record(_ m: StepMetrics, _ session: TrainingSession) {
        let diverged = m.recoveredFromNonFinite || watchdog.explodes(m.loss)
        if !diverged && m.iteration % Timeline.interval == 0 {
            timeline.record(Timeline.capture(session, loss: m.loss, historyCount: history.count + 1))
        }
        defer { if diverged { raiseAlert(m, session) } }
        lastLoss = m.loss
        history.append(m.loss)
        if history.count > 4000 { history = LossHistory.downsample(history, to: 2000) }
        if m.recoveredFromNonFinite {
            let cause = m.message ?? "NaN/inf in training"
            event = "iter \(m.iteration): \(cause); restored last good parameters, lr halved to \(String(format: "%.1e", m.learningRate))"
        } else if let message = m.message {
            event = "iter \(m.iteration): \(message)"
        }
        for (k, v) in m.figures { figureMeans[k] = (figureMeans[k] ?? v) * 0.9 + v * 0.1 }
        dirty = dirty || paused
    }

    /// The watchdog: pause, and say what happened, when, and where `w` goes back to.
    func raiseAlert(_ m: StepMetrics, _ session: TrainingSession) {
        let cause = m.message ?? (m.loss.isFinite ? String(format: "loss exploded to %.3g", m.loss) : "non-finite loss")
        let good = timeline.entries.last { $0.iteration < m.iteration }
        let target = good.map { "w rewinds to iter \($0.iteration) with lr halved" } ?? "no good state on the timeline yet"
        let text = "watchdog: iter \(m.iteration): \(cause); paused; \(target)"
        alert = WatchdogAlert(id: watchdog.raise(), iteration: m.iteration, message: text)
        event = text  // the status panel says it too
        paused = true
        dirty = true
        post(text)
    }

    func restore(_ e: Timeline.Entry, into session: TrainingSession, learningRate: Float? = nil) {
        Timeline.restore(e, into: session, learningRate: learningRate)
        history = Array(history.prefix(e.historyCount))
        lastLoss = e.loss
        dirty = true
    }

    /// Datasets by name, loaded once: `d` away from a big CSV and back does not re-read it.
    var datasets: [String: Dataset] = [:]

    func loadDataset(_ name: String) throws -> Dataset {
        if let d = datasets[name] { return d }
        let d = try Dataset(name: name)
        datasets[name] = d
        return d
    }

}
