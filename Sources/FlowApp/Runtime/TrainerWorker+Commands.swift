import Foundation
import FlowCore
import FlowData
import FlowModels
import FlowRender

/// The worker's command handling: each explorer effect's trainer side.
extension TrainerWorker {
    // Long by design: one short case per command.
    func handle(_ c: Command) {
        switch c {
        case .restart(let model, let dataset, let seed, let generation, let preset):
            self.generation = generation
            run += 1
            do {
                let data = try loadDataset(dataset)
                var config = ModelConfig.defaults(for: model, dataset: data)
                config.seed = seed
                config.cosineDecay = false
                if let preset, preset.model == model { preset.apply(to: &config) }
                let fresh = TrainingSession(model: try ModelFactory.make(config), dataset: data)
                if trainingThreads > 1 { try fresh.useThreads(trainingThreads) }
                session = fresh
                history = []
                lastLoss = nil
                event = nil
                rateWindow = []
                figureMeans = [:]
                timeline.clear()
                watchdog.reset()
                alert = nil
            } catch {
                session = nil
                post("\(error)")
            }
            dirty = true
        case .setPaused(let p):
            // Resuming from a rewound state branches the timeline there.
            if !p { timeline.branch() }
            paused = p
            rateWindow = []
            // A paused frame shows the exact state: all of it rebuilt.
            if p { dirty = true } else { refresh = true }
        case .step:
            if let session { record(session.step(), session) }
            dirty = true
        case .scaleLearningRate(let f):
            if let session {
                session.setLearningRate(min(1, max(TrainingSession.minimumLearningRate, session.baseLearningRate * f)))
                post(String(format: "learning rate %.1e", session.baseLearningRate))
            }
            statusChanged = true
        case .setGeometry(let g):
            geometry = g
            dirty = true
        case .setSpecialView(let i):
            specialIndex = i
            refresh = true
        case .timelineStep(let step):
            guard let session else { return }
            paused = true
            if timeline.shown == nil { timeline.record(Timeline.capture(session, loss: lastLoss, historyCount: history.count)) }
            if let e = timeline.move(step) { restore(e, into: session) }
            dirty = true
        case .rewindToGood:
            guard let session else { return }
            guard let a = alert else { post("nothing to rewind: the watchdog has not fired"); return }
            if let e = timeline.lastGood(before: a.iteration) {
                let lr = max(TrainingSession.minimumLearningRate, e.learningRate * 0.5)
                restore(e, into: session, learningRate: lr)
                post(String(format: "rewound to iter %d, learning rate halved to %.1e", e.iteration, lr))
            } else {
                session.setLearningRate(max(TrainingSession.minimumLearningRate, session.baseLearningRate * 0.5))
                post(String(format: "no good state on the timeline; learning rate halved to %.1e", session.baseLearningRate))
            }
            alert = nil
            watchdog.reset()
            paused = false
            dirty = true
        case .setMeasuringEnergyDistance(let on):
            measuresEnergyDistance = on
            refresh = true
        case .setThreadedSnapshots(let on):
            guard on != snapshots.threaded else { return }
            snapshots.requestStop()
            snapshots = makeSnapshotWorker(threaded: on)
            dirty = true
        case .setLearningRate(let lr):
            session?.setLearningRate(lr)
            statusChanged = true
        case .setScrubbing(let on):
            scrubbing = on
            // On, the track must be built; off, the last pictures without it will do.
            if on { refresh = true } else { inspectorsChanged = true }
        case .setProbe(let p):
            probe = p
            inspectorsChanged = true
        case .toggleModelOption:
            guard let session else { return }
            post(session.model.flipSwitch() ?? "\(session.config.kind.rawValue) has no switch for g")
            modelChanged()
        case .scaleModelKnob(let factor):
            guard let session else { return }
            post(session.model.scaleKnob(by: factor) ?? "\(session.config.kind.rawValue) has no knob for [ and ]")
            modelChanged()
        case .save(let path):
            guard let session else { return }
            do {
                try Checkpoint(session: session).write(to: path)
                post("saved \(path)")
            } catch {
                post("save failed: \(error)")
            }
        case .load(let path):
            do {
                let loaded = try Checkpoint.read(from: path).makeSession()
                if let session, loaded.config.kind != session.config.kind || loaded.dataset != session.dataset {
                    post("\(path) holds \(loaded.config.kind.rawValue) on \(loaded.dataset.name); switch to it first")
                    return
                }
                if trainingThreads > 1 { try loaded.useThreads(trainingThreads) }
                session = loaded
                run += 1
                timeline.clear()
                watchdog.reset()
                alert = nil
                history = []
                event = nil
                rateWindow = []
                dirty = true
                post("loaded \(path) (iteration \(loaded.iteration))")
            } catch {
                post("load failed: \(error)")
            }
        }
    }

    /// A switch or knob changed what the model shows: paused, rebuild all of it; training,
    /// refresh within the budget so the key is answered in a frame (a whole FFJORD grid
    /// takes hundreds of milliseconds) and let the rest follow.
    func modelChanged() {
        if paused { dirty = true } else { refresh = true }
    }

    /// The checkpoint file the `s`/`o` keys use for a model and dataset.
    package static func defaultCheckpointPath(model: ModelKind, dataset: String) -> String {
        let safe = dataset.hasPrefix("csv:") ? "csv" : dataset
        return "flowlab-\(model.rawValue)-\(safe).json"
    }
}
