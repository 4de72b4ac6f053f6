import Foundation
import FlowCore
import FlowModels

/// How the worker's snapshots reach the UI: requests to the snapshot builder, and quick
/// answers from the last pictures when only the status or the probe changed.
extension TrainerWorker {
    /// A snapshot builder publishing into `latest`.
    func makeSnapshotWorker(threaded: Bool) -> SnapshotWorker {
        SnapshotWorker(geometry: geometry, threaded: threaded) { [weak self] snap, run in
            guard let self else { return }
            self.lock.lock()
            self.latest = snap
            self.latestRun = run
            self.published += 1
            self.lock.unlock()
        }
    }

    /// What the snapshot builder needs now: the status fields, measured here, and the parameters.
    func request(_ session: TrainingSession) -> SnapshotRequest {
        SnapshotRequest(run: run, session: session, status: status(session), geometry: geometry, specialIndex: specialIndex,
                        scrubbing: scrubbing, probe: probe, complete: dirty, measuresEnergyDistance: measuresEnergyDistance)
    }

    /// The cheap fields: iteration, loss, rate, history, generation, timeline, watchdog.
    func status(_ session: TrainingSession) -> ModelSnapshot {
        let t0 = now()
        rateWindow.append((t0, session.iteration))
        // A ~2 s window, but always keep the previous sample (snapshots can be slower than that).
        while rateWindow.count > 2 && t0 - rateWindow[0].time > 2 { rateWindow.removeFirst() }
        var rate: Double? = nil
        if let first = rateWindow.first, t0 - first.time > 0.05, !paused {
            rate = Double(session.iteration - first.iteration) / (t0 - first.time)
        }
        var status = SnapshotBuilder.status(session: session, target: nil, lossHistory: LossHistory.downsample(history, to: 200),
                                            lastLoss: lastLoss, itersPerSecond: rate, event: event, figures: figureMeans)
        status.timeline = timeline.reading
        status.watchdog = alert
        status.generation = generation
        return status
    }

    /// Republishes the newest pictures of this run with the current status, probe reading and
    /// scrubber state, without waiting for the builder (a whole FFJORD or CTF picture takes
    /// 50–300 ms; one probe point takes microseconds). Nothing happens before the run's
    /// first picture: the next request carries the changes anyway.
    func publishQuick(_ session: TrainingSession) {
        statusChanged = false
        inspectorsChanged = false
        lock.lock()
        let last = latestRun == run ? latest : nil
        let seen = published
        lock.unlock()
        guard let last else { return }
        var snap = status(session).withPictures(of: last)
        snap.probe = probe.map { SnapshotBuilder.probeReading(session.model, at: $0) }
        if !scrubbing { snap.scrub = nil }
        lock.lock()
        // Unless the builder published newer pictures meanwhile (they carry the change too).
        if latestRun == run && published == seen {
            latest = snap
            published += 1
        }
        lock.unlock()
    }
}
