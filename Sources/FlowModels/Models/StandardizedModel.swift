import FlowCore
import FlowData

/// A model behind a fixed affine first bijector `x′ = (x − shift) / scale` (`Standardization`),
/// so a user's data of any scale trains like the toy datasets and every output is in data units.
///
/// The inner model sees only standardised points: its batches, its data-dependent init, the
/// dataset it is attached to (a standardised copy of the CSV) and its view data. Densities
/// come back with the map's log-determinant, `log p(x) = log p′(x′) − Σ log scale`; samples and
/// the points of its views are mapped back. The map is not a parameter (nothing trains it); it
/// lives in `ModelConfig.standardization`, so a checkpoint carries it (an older checkpoint
/// without it loads as the identity, i.e. without this wrapper).
package final class StandardizedModel: GenerativeModel, ModelInspection {
    package let inner: any FlowLabModel
    package let standardization: Standardization
    private var attached: (name: String, dataset: Dataset)?

    package init(inner: any FlowLabModel, standardization: Standardization) {
        self.inner = inner
        self.standardization = standardization
    }

    package var config: ModelConfig { inner.config }
    package var parameters: [Variable] { inner.parameters }
    package var learningRateScales: [Float]? { inner.learningRateScales }
    package var adamBeta1: Float? { inner.adamBeta1 }

    /// The standardised copy of a dataset (CSVs; others are passed through), cached.
    func innerDataset(_ dataset: Dataset) -> Dataset {
        guard case .csv(let c) = dataset else { return dataset }
        if let attached, attached.name == dataset.name { return attached.dataset }
        let mapped = Dataset.csv(c.mapped(by: standardization))
        attached = (dataset.name, mapped)
        return mapped
    }

    package func prepare(with batch: Matrix) { inner.prepare(with: standardization.forward(batch)) }

    package func loss(batch: Matrix, dataset: Dataset, iteration: Int, using rng: inout Xoshiro256) -> ModelLoss {
        inner.loss(batch: standardization.forward(batch), dataset: innerDataset(dataset), iteration: iteration, using: &rng)
    }

    package func sample(count: Int, using rng: inout Xoshiro256) -> Matrix {
        standardization.inverse(inner.sample(count: count, using: &rng))
    }

    package func logDensity(_ points: Matrix) -> [Float]? {
        let ld = standardization.logAbsDet
        return inner.logDensity(standardization.forward(points))?.map { Float(Double($0) + ld) }
    }

    package var views: [ModelView] { inner.views }

    /// The inner model draws its view in its own box [−4, 4]², which is the data's view box
    /// (`ViewBox(standardization:)`); points come back in data units.
    package func view(index: Int, data: Matrix, box: Double, using rng: inout Xoshiro256) -> SpecialView {
        let view = inner.view(index: index, data: standardization.forward(data),
                                     box: ViewBox.canonicalHalfWidth, using: &rng)
        let (s, c) = (standardization.shift, standardization.scale)
        func back(_ p: Point2) -> Point2 { Point2(s[0] + p.x * c[0], s[1] + p.y * c[1]) }
        switch view {
        case .lines(let title, let polylines, let colorIndex):
            return .lines(title: title, polylines: polylines.map { $0.map(back) }, colorIndex: colorIndex)
        case .regions(let title, let w, let h, let labels, let points):
            return .regions(title: title, width: w, height: h, labels: labels, points: points.map(back))
        case .points(let title, let points):
            return .points(title: title, points: points.map(back))
        case .field(let title, let w, let h, let logValues, let points):
            return .field(title: title, width: w, height: h, logValues: logValues, points: points.map(back))
        case .pointPair(let title, let left, let right):
            return .pointPair(title: title, left: CaptionedPoints(left.caption, left.points.map(back)),
                              right: CaptionedPoints(right.caption, right.points.map(back)))
        case .none:
            return .none
        }
    }

    /// The inner track in data units.
    package func scrubTrack(data: Matrix, box: Double, using rng: inout Xoshiro256) -> ScrubTrack? {
        let (s, c) = (standardization.shift, standardization.scale)
        return inner.scrubTrack(data: standardization.forward(data), box: ViewBox.canonicalHalfWidth, using: &rng)?
            .mapped { Point2(s[0] + $0.x * c[0], s[1] + $0.y * c[1]) }
    }

    /// The inner model's terms at the standardised points plus the standardisation's own
    /// `log|det| = −Σ log scale`.
    package func densityTerms(_ points: Matrix) -> DensityTerms? {
        guard var t = inner.densityTerms(standardization.forward(points)) else { return nil }
        let ld = standardization.logAbsDet
        t.terms.append(DensityTerm(id: "logdet_standardization", label: "log|det| standardise",
                                   values: [Double](repeating: ld, count: points.rows)))
        return t
    }

    package func didLoadParameters() { inner.didLoadParameters() }
    package func regionCodes(_ points: Matrix) -> [Int]? { inner.regionCodes(standardization.forward(points)) }
    package func attach(to dataset: Dataset) { inner.attach(to: innerDataset(dataset)) }
    package func reportFigures(dataset: Dataset) -> Figures { inner.reportFigures(dataset: innerDataset(dataset)) }
    package var modelSwitch: ModelSwitch? { inner.modelSwitch }
    package func setSwitch(_ on: Bool) { inner.setSwitch(on) }
    package var knob: ModelKnob? { inner.knob }
    package func setKnob(_ value: Double) { inner.setKnob(value) }
}
