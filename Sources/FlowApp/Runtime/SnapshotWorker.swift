import Foundation
import FlowModels

/// Builds the explorer's snapshots, on a second core when the machine has one.
///
/// Threaded, the trainer hands over a `SnapshotRequest` between training slices whenever the
/// slot is empty, and this worker's thread builds it on its own replica of the model while
/// training goes on: training keeps its core, and frames come as fast as the builder allows
/// (paced to at most `framesPerSecond`). Inline (one core), `submit` builds in the caller's
/// thread at most every `interval`, an interval that adapts so that snapshots take about a
/// third of the time, as the explorer always did.
final class SnapshotWorker: @unchecked Sendable {
    let threaded: Bool
    static let framesPerSecond = 60.0
    /// Receives each snapshot with the run of its request.
    private let publish: (ModelSnapshot, Int) -> Void
    private let lock = NSLock()
    private let wake = DispatchSemaphore(value: 0)
    private var pending: SnapshotRequest?
    private var stopRequested = false
    private let done = DispatchSemaphore(value: 0)
    private var started = false
    // The builder's state: only its thread (or, inline, the trainer's) touches it.
    private var pipeline: SnapshotPipeline
    // Inline pacing.
    private var interval = 0.1
    private var lastBuild = -Double.infinity

    init(geometry: PlotGeometry, threaded: Bool, publish: @escaping (ModelSnapshot, Int) -> Void) {
        self.threaded = threaded
        self.publish = publish
        pipeline = SnapshotPipeline(geometry: geometry)
    }

    /// True when `submit` would do something with a routine (not complete) request.
    var wantsRequest: Bool {
        if threaded {
            lock.lock(); defer { lock.unlock() }
            return pending == nil
        }
        return Self.now() - lastBuild >= interval
    }

    /// Hands a request over (threaded: replacing an unbuilt one; inline: built right away).
    func submit(_ r: SnapshotRequest) {
        guard threaded else {
            let t0 = Self.now()
            publish(pipeline.build(r, budget: 0.025), r.run)
            // Up to 30 snapshots/s, spending at most about a third of the time on them.
            interval = min(1, max(1.0 / 30, 2 * (Self.now() - t0)))
            lastBuild = Self.now()
            return
        }
        lock.lock()
        let wasEmpty = pending == nil
        pending = pending.map { r.superseding($0) } ?? r
        lock.unlock()
        if wasEmpty { wake.signal() }
        startIfNeeded()
    }

    /// Stops the builder's thread and waits for it (at most ~1 s).
    func stop() {
        lock.lock(); stopRequested = true; let running = started; lock.unlock()
        wake.signal()
        if running { _ = done.wait(timeout: .now() + 1) }
    }

    /// Asks the thread to stop after its current build, without waiting.
    func requestStop() {
        lock.lock(); stopRequested = true; lock.unlock()
        wake.signal()
    }

    private func startIfNeeded() {
        lock.lock()
        let start = !started && !stopRequested
        started = true
        lock.unlock()
        guard start else { return }
        let t = Thread { [self] in self.loop(); self.done.signal() }
        t.name = "flowlab-snapshots"
        t.stackSize = 8 << 20
        t.start()
    }

    /// The most of its core the builder takes: with both cores busy each runs about 15 % slower
    /// here (`bench`'s two-thread FMA peak is 1.7× one core's), so a builder busy a third of
    /// the time costs training about 5 %.
    static let dutyCycle = 1.0 / 3

    private func loop() {
        // The mean cost of a build (exponential, so one slow model view does not stall the frames).
        var lastStart = -Double.infinity, meanCost = 0.0
        while true {
            wake.wait()
            lock.lock()
            let stop = stopRequested
            let request = pending
            pending = nil
            lock.unlock()
            if stop { return }
            guard let request else { continue }
            // Pace routine refreshes (at most `framesPerSecond`, and busy at most `dutyCycle` of
            // the time); answer complete requests at once.
            let wait = lastStart + max(1 / Self.framesPerSecond, meanCost / Self.dutyCycle) - Self.now()
            if wait > 0 && !request.complete { Thread.sleep(forTimeInterval: wait) }
            lastStart = Self.now()
            // A request that arrived while sleeping is newer: build that one instead.
            lock.lock()
            let newest = pending.map { $0.superseding(request) } ?? request
            pending = nil
            lock.unlock()
            publish(pipeline.build(newest, budget: Self.dutyCycle / Self.framesPerSecond), newest.run)
            meanCost = 0.8 * meanCost + 0.2 * (Self.now() - lastStart)
        }
    }

    static func now() -> Double { Date.timeIntervalSinceReferenceDate }
}
