import FlowCore
import FlowData
import FlowModels
import FlowRender

/// One moment of training, handed from the trainer thread to the snapshot builder: a copy of
/// the parameters and of the model's controls, the cheap status fields, and what to draw.
///
/// Taking it is cheap: `Matrix` storage is copy-on-write, so the copy shares the parameters'
/// buffers and the trainer pays for one copy of each parameter on its next update.
struct SnapshotRequest {
    /// The training session it came from; a new one (restart, load) rebuilds the builder's replica.
    var run: Int
    var config: ModelConfig
    var dataset: Dataset
    var parameters: [Matrix]
    /// The model's switch and knob, which change what it samples and shows.
    var switchOn: Bool?
    var knob: Double?
    /// The cheap fields (iteration, loss, rates, history, generation, timeline, watchdog).
    var status: ModelSnapshot
    var geometry: PlotGeometry
    var specialIndex: Int
    var scrubbing: Bool
    var probe: Point2?
    /// Rebuild every part (a paused or changed model); otherwise refresh within the budget.
    var complete: Bool
    var measuresEnergyDistance: Bool

    /// Takes the request from the live session (on the trainer thread).
    init(run: Int, session: TrainingSession, status: ModelSnapshot, geometry: PlotGeometry, specialIndex: Int,
         scrubbing: Bool, probe: Point2?, complete: Bool, measuresEnergyDistance: Bool) {
        self.run = run
        self.config = session.config
        self.dataset = session.dataset
        self.parameters = session.model.parameters.map(\.value)
        self.switchOn = session.model.modelSwitch?.isOn
        self.knob = session.model.knob?.value
        self.status = status
        self.geometry = geometry
        self.specialIndex = specialIndex
        self.scrubbing = scrubbing
        self.probe = probe
        self.complete = complete
        self.measuresEnergyDistance = measuresEnergyDistance
    }

    /// A newer request replacing this one before it was built keeps its demands.
    func superseding(_ older: SnapshotRequest) -> SnapshotRequest {
        var r = self
        r.complete = complete || older.complete || older.run != run
        return r
    }
}
