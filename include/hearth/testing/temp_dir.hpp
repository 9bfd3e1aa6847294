// Per-test temporary directories and small file helpers: a fresh mkdtemp() directory under
// $TMPDIR (or /tmp), optionally removed on destruction, and whole-file read/write/tail.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace hearth::testing {

/// A fresh directory under $TMPDIR (or /tmp): <base>/hearth-<tag>-XXXXXX, the tag reduced to
/// [A-Za-z0-9-_]. Throws std::runtime_error if mkdtemp fails.
std::filesystem::path make_temp_dir(const std::string& tag);

/// A make_temp_dir() directory that is removed (recursively) on destruction unless keep() was called.
class temp_dir {
public:
    explicit temp_dir(const std::string& tag = "test") : path_(make_temp_dir(tag)) {}
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
    /// Leaves the directory behind (e.g. for a failed test's logs).
    void keep() { keep_ = true; }

private:
    std::filesystem::path path_;
    bool keep_ = false;
};

/// Replaces `path` with `text`; throws std::runtime_error if it cannot be written.
void write_file(const std::filesystem::path& path, const std::string& text);

/// The whole file ("" if it does not exist).
std::string read_file(const std::filesystem::path& path);

/// The last `max_lines` lines of a text file ("" if it does not exist).
std::string tail_file(const std::filesystem::path& path, std::size_t max_lines);

}  // namespace hearth::testing
