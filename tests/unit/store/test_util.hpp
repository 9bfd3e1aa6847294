// Shared helpers for store tests: a per-test temporary directory (mkdtemp, removed at the end),
// raw-file helpers and a fixed time origin so every test is deterministic.
#pragma once

#include "store/store.hpp"

#include <filesystem>
#include <string>

namespace hearth::test {

/// A fresh directory under $TMPDIR (or /tmp); removed recursively in the destructor.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

/// 2024-01-01T00:00:00Z in ms: the tests' "now" origin.
inline constexpr time_ms t0 = 1'704'067'200'000;

/// Overwrite `count` bytes at `offset` of `file` with a garbage pattern.
void scribble(const std::filesystem::path& file, std::uint64_t offset, std::size_t count);

}  // namespace hearth::test
