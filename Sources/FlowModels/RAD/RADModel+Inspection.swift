import FlowCore

extension RADCoupling {
    /// The layer's density contribution split in two: `log|f'(x_a)|` and the gate's
    /// `log p(k | z_a, x_p)` of the chosen piece k (their sum is `forward`'s `logDensity`).
    func forwardParts(_ x: Matrix) -> (z: Matrix, logSlope: [Double], logPiece: [Double], pieces: [Int]) {
        let xv = Variable(x)
        let xa = xv.column(activeIndex), xp = xv.column(passiveIndex)
        let zigzag = ZigZag(raw: conditioner(xp), pieces: pieces)
        let (za, logSlope, which) = zigzag.forward(xa)
        let (logp, _) = gateLogProbs(z: za, passive: xp, zigzag: zigzag)
        let chosen = (0..<x.rows).map { Double(logp.value[$0, which[$0]]) }
        return (assemble(active: za, passive: xp).value, logSlope.value.columnValues(), chosen, which)
    }
}

/// RAD's scrubber (samples after each layer of the sampling direction, with the regions of the
/// RAD layers applied so far) and probe (each layer's log|f'|, its piece and the piece's
/// log-probability; Dinh et al. 2019, §3).
extension RADModel {
    package func scrubTrack(data: Matrix, box: Double, using rng: inout Xoshiro256) -> ScrubTrack? {
        let (w, h) = (96, 64)
        let grid = Evaluation.gridPoints(width: w, height: h, box: box)
        let gridPieces = logProb(Variable(grid)).pieces  // per RAD layer, density direction
        var x = rng.normalMatrix(rows: 600, cols: 2)
        var stages = [ScrubStage(label: "base N(0, I)", points: x.points)]
        var radApplied: [Int] = []
        var radIndex = radLayers.count
        for (k, step) in steps.reversed().enumerated() {
            let name: String
            switch step {
            case .bijector(let b):
                x = b.inverse(Variable(x)).x.value
                name = StepNames.name(b)
            case .rad(let r):
                x = r.inverse(x, using: &rng)
                radIndex -= 1
                radApplied.append(radIndex)
                name = "RAD layer \(radIndex + 1)"
            }
            var regions: RegionGrid? = nil
            if !radApplied.isEmpty {
                let codes = (0..<grid.rows).map { p in
                    radApplied.reduce(0) { $0 * options.pieces + gridPieces[$1][p] }
                }
                regions = RegionGrid.relabelled(width: w, height: h, codes: codes)
            }
            stages.append(ScrubStage(label: "after step \(k + 1): \(name)", points: x.points, regions: regions))
        }
        return ScrubTrack(axis: "depth", stages: stages)
    }

    package func densityTerms(_ points: Matrix) -> DensityTerms? {
        DensityTerms.chunked(points) { x in
            var h = x
            var terms: [DensityTerm] = []
            var l = 0
            for (k, step) in steps.enumerated() {
                switch step {
                case .bijector(let b):
                    let (y, ld) = b.forward(Variable(h))
                    let name = StepNames.name(b)
                    terms.append(DensityTerm(id: "logdet_\(k + 1)_\(StepNames.id(name))", label: "log|det| \(name)",
                                             values: ld.value.columnValues()))
                    h = y.value
                case .rad(let r):
                    l += 1
                    let parts = r.forwardParts(h)
                    terms.append(DensityTerm(id: "rad\(l)_logslope", label: "RAD \(l) log|f'|", values: parts.logSlope, pieces: parts.pieces))
                    terms.append(DensityTerm(id: "rad\(l)_logpiece", label: "RAD \(l) log p(k)", values: parts.logPiece, pieces: parts.pieces))
                    h = parts.z
                }
            }
            let logN = (0..<h.rows).map { standardNormalLogDensity2D(Double(h[$0, 0]), Double(h[$0, 1])) }
            return DensityTerms(terms: [DensityTerm(id: "logN_z", label: "log N(z)", values: logN)] + terms, z: h.points)
        }
    }
}
