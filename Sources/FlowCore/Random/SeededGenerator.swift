/// A seedable generator: the core never reads the system RNG, so a seed reproduces a run.
package protocol SeededGenerator: RandomNumberGenerator {
    init(seed: UInt64)
}

/// SplitMix64 (Steele, Lea & Flood 2014): `z = (s += φ); z = (z ^ z>>30)·c1; …`. Used to seed
/// `Xoshiro256` and on its own in tests.
package struct SplitMix64: SeededGenerator, Sendable {
    package var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64. The default generator.
package struct Xoshiro256: SeededGenerator, Sendable, Codable, Equatable {
    package var s0, s1, s2, s3: UInt64
    package init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }
    @inline(__always)
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
    package mutating func next() -> UInt64 {
        let result = Xoshiro256.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = Xoshiro256.rotl(s3, 45)
        return result
    }
}
