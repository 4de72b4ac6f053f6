import FlowCore
import FlowModels

/// The rewind timeline: every `interval` iterations the parameters, the optimiser state (Adam's
/// moments and step), the training RNG and the learning rate go into a ring bounded in bytes
/// (the oldest states drop out). `u`/`U` show an older/newer state; resuming from one drops the
/// states after it, so training branches from there.
struct Timeline {
    struct Entry {
        var iteration: Int
        var parameters: [Matrix]
        var optimizer: Adam
        var rng: Xoshiro256
        var learningRate: Float
        var loss: Double?
        /// How long the loss history was (it is cut back to this on a rewind).
        var historyCount: Int
        var bytes: Int {
            let floats = parameters.reduce(0) { $0 + $1.count }
            return 4 * floats + 4 * (optimizer.firstMoments.reduce(0) { $0 + $1.count } + optimizer.secondMoments.reduce(0) { $0 + $1.count }) + 256
        }
    }

    /// Iterations between recorded states.
    static let interval = 50
    /// The memory bound of the whole ring (the help says so).
    static let capacityBytes = 64 << 20

    private(set) var entries: [Entry] = []
    /// The entry shown after `u`/`U` (nil: the live end).
    private(set) var shown: Int?
    private(set) var bytes = 0

    var reading: TimelineReading {
        TimelineReading(iterations: entries.map(\.iteration), shown: shown, bytes: bytes, capacityBytes: Self.capacityBytes)
    }

    mutating func clear() { entries = []; shown = nil; bytes = 0 }

    static func capture(_ session: TrainingSession, loss: Double?, historyCount: Int) -> Entry {
        Entry(iteration: session.iteration, parameters: session.model.parameters.map(\.value), optimizer: session.optimizer,
              rng: session.rng, learningRate: session.baseLearningRate, loss: loss, historyCount: historyCount)
    }

    /// Adds a state (dropping the oldest beyond the memory bound; at least two are kept).
    mutating func record(_ e: Entry) {
        if let last = entries.last, last.iteration == e.iteration { return }
        entries.append(e)
        bytes += e.bytes
        while bytes > Self.capacityBytes && entries.count > 2 {
            bytes -= entries.removeFirst().bytes
            if let s = shown { shown = max(0, s - 1) }
        }
    }

    /// Moves the shown position by `step` (−1 back, +1 forward); returns the entry to restore.
    mutating func move(_ step: Int) -> Entry? {
        guard !entries.isEmpty else { return nil }
        let from = shown ?? entries.count - 1
        let to = min(entries.count - 1, max(0, shown == nil && step < 0 ? from + step : from + step))
        shown = to
        return entries[to]
    }

    /// Training resumes from the shown state: the states after it go (a new branch).
    mutating func branch() {
        guard let s = shown else { return }
        for e in entries[(s + 1)...] { bytes -= e.bytes }
        entries.removeSubrange((s + 1)...)
        shown = nil
    }

    /// The newest state recorded at or before `iteration` with a healthy loss, and the entries
    /// after it dropped (the watchdog's rewind target).
    mutating func lastGood(before iteration: Int) -> Entry? {
        guard let i = entries.lastIndex(where: { $0.iteration < iteration && ($0.loss?.isFinite ?? true) }) else { return nil }
        shown = i
        branch()
        return entries[i]
    }

    static func restore(_ e: Entry, into session: TrainingSession, learningRate: Float? = nil) {
        for (p, v) in zip(session.model.parameters, e.parameters) { p.value = v }
        session.model.didLoadParameters()
        session.restore(iteration: e.iteration, optimizer: e.optimizer, rng: e.rng)
        session.setLearningRate(learningRate ?? e.learningRate)
    }
}

/// The watchdog: a step that blew up (non-finite, or far above its recent history) pauses
/// training and says what happened; `w` rewinds to the last good state with the rate halved.
struct Watchdog {
    private var recent: [Double] = []
    private(set) var alerts = 0

    mutating func reset() { recent = [] }

    /// True when this step's loss explodes relative to the recent healthy ones (≥ 50 of them):
    /// more than max(10 σ, 5 + |mean|) above their mean.
    mutating func explodes(_ loss: Double) -> Bool {
        guard loss.isFinite else { return true }
        if recent.count >= 50 {
            let mean = recent.reduce(0, +) / Double(recent.count)
            let sd = (recent.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(recent.count)).squareRoot()
            if loss > mean + max(10 * sd, 5 + abs(mean)) { return true }
        }
        recent.append(loss)
        if recent.count > 200 { recent.removeFirst(recent.count - 200) }
        return false
    }

    mutating func raise() -> Int { alerts += 1; return alerts }
}
