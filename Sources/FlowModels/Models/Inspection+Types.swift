import FlowCore

/// A label per pixel of the plotting box (RAD's regions), row-major from the top-left.
package struct RegionGrid: Sendable, Equatable {
    package var width: Int
    package var height: Int
    package var labels: [Int]
    package init(width: Int, height: Int, labels: [Int]) {
        precondition(labels.count == width * height)
        self.width = width; self.height = height; self.labels = labels
    }

    /// Codes relabelled 0, 1, 2, … by first appearance in scan order (stable colours).
    static func relabelled(width: Int, height: Int, codes: [Int]) -> RegionGrid {
        var relabel: [Int: Int] = [:]
        let labels = codes.map { code -> Int in
            if let c = relabel[code] { return c }
            let c = relabel.count
            relabel[code] = c
            return c
        }
        return RegionGrid(width: width, height: height, labels: labels)
    }
}

/// One position of the scrubber: what the model's samples (and a transported grid, the
/// trajectories so far or the regions so far) look like part-way from the base to the data.
package struct ScrubStage: Sendable, Equatable {
    /// Where the scrubber is, for the panel title: "after layer 3/8: affine coupling", "t = 0.25".
    package var label: String
    package var points: [Point2]
    package var lines: [[Point2]]
    package var colorIndex: [Int]
    package var regions: RegionGrid?

    package init(label: String, points: [Point2], lines: [[Point2]] = [], colorIndex: [Int] = [], regions: RegionGrid? = nil) {
        self.label = label; self.points = points; self.lines = lines; self.colorIndex = colorIndex; self.regions = regions
    }
}

/// The scrubber's stages in order, base first, data last.
package struct ScrubTrack: Sendable, Equatable {
    /// What the scrubber moves through: "depth", "time", "Langevin steps", "code → decoder".
    package var axis: String
    package var stages: [ScrubStage]
    package init(axis: String, stages: [ScrubStage]) { self.axis = axis; self.stages = stages }

    /// The stage for a fraction F ∈ [0, 1] of the way (nearest).
    package func index(fraction f: Double) -> Int {
        guard !stages.isEmpty else { return 0 }
        let c = min(1, max(0, f.isFinite ? f : 0))
        return Int((c * Double(stages.count - 1)).rounded())
    }

    /// Every point and line mapped by `map` (a standardisation back to data units).
    package func mapped(_ map: (Point2) -> Point2) -> ScrubTrack {
        ScrubTrack(axis: axis, stages: stages.map { s in
            ScrubStage(label: s.label, points: s.points.map(map), lines: s.lines.map { $0.map(map) },
                       colorIndex: s.colorIndex, regions: s.regions)
        })
    }
}

/// One additive term of `log p(x)`, per point.
package struct DensityTerm: Sendable, Equatable {
    /// A CSV column name (no commas or spaces): `logN_z`, `logdet_3_affine_coupling`.
    package var id: String
    /// The probe panel's label: "log N(z)", "log|det| 3 coupling".
    package var label: String
    package var values: [Double]
    /// RAD: the piece chosen at each point for this layer (the discrete latent).
    package var pieces: [Int]?

    package init(id: String, label: String, values: [Double], pieces: [Int]? = nil) {
        self.id = id; self.label = label; self.values = values; self.pieces = pieces
    }
}

/// The change of variables at each point: the terms of `log p(x)`, where x lands in the base,
/// and (FFJORD) the function evaluations the solve took.
package struct DensityTerms: Sendable, Equatable {
    package var terms: [DensityTerm]
    /// z = f(x) (nil for models without a base space, e.g. an energy model).
    package var z: [Point2]?
    package var nfe: Int?

    package init(terms: [DensityTerm], z: [Point2]?, nfe: Int? = nil) {
        self.terms = terms; self.z = z; self.nfe = nfe
    }

    /// Σ terms at each point: `log p(x)`.
    package var total: [Double] {
        guard let first = terms.first else { return [] }
        var sum = [Double](repeating: 0, count: first.values.count)
        for t in terms { for i in sum.indices { sum[i] += t.values[i] } }
        return sum
    }

    /// Terms of consecutive chunks of points joined (same terms in the same order).
    package static func joined(_ parts: [DensityTerms]) -> DensityTerms? {
        guard var out = parts.first else { return nil }
        for p in parts.dropFirst() {
            for i in out.terms.indices {
                out.terms[i].values += p.terms[i].values
                if out.terms[i].pieces != nil { out.terms[i].pieces! += p.terms[i].pieces ?? [] }
            }
            if out.z != nil { out.z! += p.z ?? [] }
            if let n = p.nfe { out.nfe = (out.nfe ?? 0) + n }
        }
        return out
    }

    /// Runs `body` on chunks of at most `size` rows and joins the results.
    static func chunked(_ points: Matrix, size: Int = 2048, _ body: (Matrix) -> DensityTerms?) -> DensityTerms? {
        var parts: [DensityTerms] = []
        var start = 0
        while start < points.rows {
            let end = min(points.rows, start + size)
            guard let p = body(points.rows(start..<end)) else { return nil }
            parts.append(p)
            start = end
        }
        return parts.isEmpty ? body(points) : joined(parts)
    }
}

extension Matrix {
    /// One column as Doubles.
    func columnValues(_ c: Int = 0) -> [Double] { (0..<rows).map { Double(self[$0, c]) } }
}

/// How a scrubber stage or a probe term names a bijector.
enum StepNames {
    static func name(_ b: any Bijector) -> String {
        switch b {
        case is AffineCoupling: return "coupling"
        case is ActNorm: return "actnorm"
        case is InvertibleLinear2D: return "2x2 linear"
        case is SplineCoupling: return "spline"
        case is MonotoneSpline: return "spline"
        case is ElementwiseAffine: return "affine"
        default: return "layer"
        }
    }

    static func id(_ label: String) -> String {
        String(label.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
