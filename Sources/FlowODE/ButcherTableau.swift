/// An explicit Runge–Kutta method as data: `k_i = f(t + c_i h, y + h Σ_j a_ij k_j)`,
/// `y₁ = y + h Σ b_i k_i`, and optionally embedded weights `b̂` whose difference
/// `e = b − b̂` gives the local error estimate `h Σ e_i k_i`.
package struct ButcherTableau: Sendable, Equatable {
    package let name: String
    package let a: [[Double]]
    package let b: [Double]
    package let c: [Double]
    /// `b − b̂`, nil for methods without an embedded estimate.
    package let errorWeights: [Double]?
    /// Order of the propagated solution.
    package let order: Int
    /// First-same-as-last: the last stage equals f(t₁, y₁) and is reused as the next k₁.
    let fsal: Bool
    /// Weights giving y at the step's midpoint, `y_mid = y₀ + h Σ d_i k_i`, for quartic dense
    /// output (dopri5 only; nil elsewhere).
    var midpointWeights: [Double]? = nil

    package var stages: Int { b.count }

    /// Forward Euler (order 1).
    package static let euler = ButcherTableau(name: "euler", a: [[]], b: [1], c: [0], errorWeights: nil, order: 1, fsal: false)

    /// Explicit midpoint (order 2).
    package static let midpoint = ButcherTableau(name: "midpoint", a: [[], [0.5]], b: [0, 1], c: [0, 0.5],
                                                errorWeights: nil, order: 2, fsal: false)

    /// Kutta's 3/8 rule (order 4) — torchdiffeq's `rk4`.
    package static let rk4 = ButcherTableau(name: "rk4", a: [[], [1.0 / 3], [-1.0 / 3, 1], [1, -1, 1]],
                                           b: [1.0 / 8, 3.0 / 8, 3.0 / 8, 1.0 / 8], c: [0, 1.0 / 3, 2.0 / 3, 1],
                                           errorWeights: nil, order: 4, fsal: false)

    /// Dormand–Prince 5(4) with torchdiffeq's embedded weights (Dormand & Prince 1980; torchdiffeq's `dopri5`): the
    /// error weights are ⅔ of the textbook ones, so step counts match torchdiffeq's.
    package static let dopri5: ButcherTableau = {
        let b: [Double] = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0]
        let bHat: [Double] = [1951.0 / 21600, 0, 22642.0 / 50085, 451.0 / 720, -12231.0 / 42400, 649.0 / 6300, 1.0 / 60]
        var t = ButcherTableau(
            name: "dopri5",
            a: [[],
                [1.0 / 5],
                [3.0 / 40, 9.0 / 40],
                [44.0 / 45, -56.0 / 15, 32.0 / 9],
                [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
                [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
                [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84]],
            b: b, c: [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1],
            errorWeights: zip(b, bHat).map { $0 - $1 }, order: 5, fsal: true)
        // torchdiffeq's (Shampine's) midpoint weights (Shampine 1986; torchdiffeq's `dopri5`).
        let mid: [Double] = [6025192743.0 / 30085553152, 0, 51252292925.0 / 65400821598, -2691868925.0 / 45128329728,
                             187940372067.0 / 1594534317056, -1776094331.0 / 19743644256, 11237099.0 / 235043384]
        t.midpointWeights = mid.map { $0 / 2 }
        return t
    }()

    package static let all: [ButcherTableau] = [.euler, .midpoint, .rk4, .dopri5]

    package static func named(_ name: String) -> ButcherTableau? { all.first { $0.name == name } }
}
