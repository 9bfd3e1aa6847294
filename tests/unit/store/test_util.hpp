// Shared helpers for store tests (the temp dir is hearth::testing::temp_dir): raw-file helpers
// and a fixed time origin so every test is deterministic.
#pragma once

#include "store/store.hpp"
#include <hearth/testing/temp_dir.hpp>  // temp_dir: a per-test directory, removed at the end

#include <filesystem>
#include <string>

namespace hearth::test {

/// 2024-01-01T00:00:00Z in ms: the tests' "now" origin.
inline constexpr time_ms t0 = 1'704'067'200'000;

/// Overwrite `count` bytes at `offset` of `file` with a garbage pattern.
void scribble(const std::filesystem::path& file, std::uint64_t offset, std::size_t count);

}  // namespace hearth::test
