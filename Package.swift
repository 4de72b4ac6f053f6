// swift-tools-version:6.1
import PackageDescription

/// Numeric targets are optimised even in debug builds: the test suite trains small models, and
/// unoptimised Float32 kernels are ~50x slower. Release adds -Ounchecked and drops exclusivity
/// checks (docs/ARCHITECTURE.md, "Kernels and build flags"). CPU tuning is per architecture of
/// the build host: x86-64 targets Haswell (AVX2 + FMA); arm64 needs no flag (NEON and FMA are
/// baseline). The kernels are portable Swift SIMD, so every architecture runs the same code.
#if arch(x86_64)
let cpuFlags = ["-target-cpu", "haswell"]
#else
let cpuFlags: [String] = []
#endif

let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-O"] + cpuFlags, .when(configuration: .debug)),
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"] + cpuFlags, .when(configuration: .release)),
]
let releaseSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"] + cpuFlags, .when(configuration: .release)),
]

let package = Package(
    name: "FlowLab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "flowlab", targets: ["flowlab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", from: "1.19.7"),
    ],
    targets: [
        // Model core: no UI.
        .target(name: "FlowCore", swiftSettings: numericSettings),
        .target(name: "FlowODE", dependencies: ["FlowCore"], swiftSettings: numericSettings),
        .target(name: "FlowData", dependencies: ["FlowCore"], swiftSettings: numericSettings),
        .target(name: "FlowModels", dependencies: ["FlowCore", "FlowODE", "FlowData"],
                swiftSettings: numericSettings),
        // Pure renderer: cells and frames, depends on nothing.
        .target(name: "FlowRender", swiftSettings: releaseSettings),
        // Explorer state, reducer and views: state -> Frame.
        .target(name: "FlowApp", dependencies: ["FlowModels", "FlowRender"], swiftSettings: releaseSettings),
        // The only curses user.
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
        .target(name: "FlowTerminal", dependencies: ["FlowRender", "CNCurses"], swiftSettings: releaseSettings,
                linkerSettings: [
                    .linkedLibrary("ncursesw", .when(platforms: [.linux])),
                    .linkedLibrary("ncurses", .when(platforms: [.macOS])),
                ]),
        .executableTarget(
            name: "flowlab",
            dependencies: ["FlowApp", "FlowTerminal",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: releaseSettings),
        .testTarget(name: "CoreTests", dependencies: ["FlowCore", "FlowODE", "FlowData"]),
        .testTarget(name: "ModelTests", dependencies: ["FlowModels"], exclude: ["Fuzz"]),
        .testTarget(name: "CLITests", dependencies: ["flowlab", "FlowModels", "FlowData"]),
        .testTarget(
            name: "ExplorerTests",
            dependencies: ["FlowApp", "FlowRender",
                           .product(name: "SnapshotTesting", package: "swift-snapshot-testing")],
            exclude: ["__Snapshots__"]),
    ]
)
