import RewarmEngine
import RewarmStore

extension SweepSpec {
    /// Expands the spec into its distinct trials, checking every point's effective config.
    ///
    /// Points, seed by seed (in `seeds` order): the grid's cartesian product (first axis varying
    /// slowest), then each extra trial (not crossed with the grid). With no grid axes the
    /// defaults alone are one point, unless there are extra trials. Points whose canonical
    /// effective configs are identical (e.g. `rewarm: false` makes the schedule keys moot) are one
    /// trial, at the first one's position.
    ///
    /// Throws the first problem in expansion order, at the spec path of the offending value.
    public func expand() throws(SpecError) -> Expansion {
        let base = try TrialConfigBuilder.base(of: self)
        let builder = TrialConfigBuilder(spec: self, base: base)
        let points = gridPoints()
        var trials: [Trial] = []
        var indexByIdentity: [String: Int] = [:]
        var position = 0
        let reference = seeds.first.flatMap { builder.defaultsReference(seed: $0) }

        func add(own: [SpecSetting], name: String?, axes: [GridAxis], seed: Int, seedPath: String) throws(SpecError) {
            defer { position += 1 }
            let layered = builder.layered(own: own, seed: seed, seedPath: seedPath)
            let (values, config) = try builder.canonical(layered.values, origins: layered.origins)
            let identity = trialIdentity(values, base: base)
            if let index = indexByIdentity[identity] {
                trials[index] = trials[index].merged(withPointNamed: name)
                return
            }
            var gridPoint: [String: ConfigValue] = [:]
            for axis in axes where !RunConfig.isMoot(axis.key, in: values) {
                gridPoint[axis.name] = values[axis.key]
            }
            indexByIdentity[identity] = trials.count
            trials.append(Trial(
                id: FNV1a.hex(identity), name: name, seed: seed, position: position, config: config, values: values,
                diff: builder.diff(own: own, values: values, reference: reference),
                gridPoint: gridPoint, pointCount: 1))
        }

        for (j, seed) in seeds.enumerated() {
            let seedPath = "seeds[\(j)]"
            for point in points {
                let own = point.enumerated().map { axisIndex, valueIndex in
                    let axis = grid[axisIndex]
                    return SpecSetting(setting: ConfigSetting(key: axis.key, value: axis.values[valueIndex]),
                                       path: axis.path(valueIndex))
                }
                try add(own: own, name: nil, axes: grid, seed: seed, seedPath: seedPath)
            }
            for extra in self.trials {
                try add(own: extra.specSettings, name: extra.name, axes: [], seed: seed, seedPath: seedPath)
            }
        }
        return Expansion(sweepName: name, points: position, trials: trials, base: base, seeds: seeds)
    }

    /// The grid points as value indexes, one per axis, the last axis varying fastest; one empty
    /// point when there are no axes and no extra trials, none when there are extra trials only.
    func gridPoints() -> [[Int]] {
        if grid.isEmpty { return trials.isEmpty ? [[]] : [] }
        var points: [[Int]] = []
        var odometer = [Int](repeating: 0, count: grid.count)
        while true {
            points.append(odometer)
            var axis = grid.count - 1
            while axis >= 0 {
                odometer[axis] += 1
                if odometer[axis] < grid[axis].values.count { break }
                odometer[axis] = 0
                axis -= 1
            }
            if axis < 0 { return points }
        }
    }

    /// What a trial id hashes: the sweep name, the base hash when the trial starts from a base
    /// checkpoint (so a changed base makes new trials), and the canonical JSON of `values`.
    func trialIdentity(_ values: [String: ConfigValue], base: BaseSpec) -> String {
        var fromBase = false
        if case .string(let initFrom) = values["init_from"] {
            fromBase = BaseReference.fraction(inInitFrom: initFrom) != nil
        }
        return name + "\n" + (fromBase ? base.hash : "") + "\n" + CanonicalJSON.text(values)
    }
}
