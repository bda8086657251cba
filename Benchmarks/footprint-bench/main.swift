// Benchmark entry point; filled in with the renderer and decoder benchmarks.
