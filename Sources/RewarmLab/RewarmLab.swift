// RewarmLab: sweeps, results store, analysis and reports, built on RewarmEngine.
import RewarmEngine
