// Plain aligned text tables for hearthctl, and the small formatters its output uses (relative
// ages, local ISO-8601 times, byte sizes, uptimes, one-line JSON summaries). Widths count UTF-8
// code points, control characters in cells are replaced (device names come from drivers and must
// not drive the terminal), and colour (a bold header) is only used when the caller says stdout is
// a TTY. No I/O here: everything returns strings, so it is unit-tested.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hearth::ctl {

/// A table with a header row; columns are separated by two spaces, no trailing blanks.
class table {
public:
    /// `headers` fixes the number of columns.
    explicit table(std::vector<std::string> headers);

    /// Right-aligns column `index` (numbers). Out-of-range indexes are ignored.
    void align_right(std::size_t index);

    /// Adds a row; missing cells are empty, extra cells are dropped. Cells are sanitized.
    void add_row(std::vector<std::string> cells);

    [[nodiscard]] std::size_t rows() const { return rows_.size(); }

    /// The table as text, one line per row ending in '\n'. `color` bolds the header (TTY only).
    [[nodiscard]] std::string render(bool color = false) const;

private:
    std::vector<std::string> headers_;
    std::vector<bool> right_;
    std::vector<std::vector<std::string>> rows_;
};

/// The number of UTF-8 code points in `s` (the display width for the text we print).
std::size_t display_width(const std::string& s);

/// `s` with control characters (and DEL) replaced by '?', and newlines/tabs by a space.
std::string sanitize(const std::string& s);

/// `s` cut to at most `max` code points, ending in "…" when it was cut.
std::string truncate(const std::string& s, std::size_t max);

/// "just now", "42s ago", "5m ago", "3h ago", "2d ago" for `then_ms` relative to `now_ms`;
/// "in 5s" for future times; "-" for 0 or negative `then_ms` (never seen).
std::string format_age(std::int64_t then_ms, std::int64_t now_ms);

/// `ms` since the epoch as local ISO-8601 with offset, e.g. "2024-05-01T14:03:07+02:00".
std::string format_local_time(std::int64_t ms);

/// A duration in seconds as "3d 4h", "2h 5m", "4m 10s" or "12s".
std::string format_uptime(std::int64_t seconds);

/// A byte count as "512 B", "1.5 KiB", "3.2 MiB", "1.0 GiB".
std::string format_bytes(std::uint64_t bytes);

/// A JSON value for a table cell: strings without quotes, null as "-", others compact JSON.
std::string cell_text(const nlohmann::json& value);

/// A short one-line summary of a state object: "on=true brightness=30 ..." (keys in order),
/// cut to `max` code points.
std::string summarize_state(const nlohmann::json& state, std::size_t max = 48);

}  // namespace hearth::ctl
