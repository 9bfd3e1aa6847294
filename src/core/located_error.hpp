// located_error: one problem in a file the user wrote (hearth.json, a scene file, a driver
// descriptor): which file, where in it (a JSON pointer, or a line and column for syntax errors)
// and why. Config loading, scene loading, descriptor checks and the JSON Schema validator all
// report this one type; to_string() is the one line shown on stderr, in logs and by hearthctl.
#pragma once

#include "core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

/// How to_string() shows an empty file name and the document root (an empty pointer). The
/// defaults are the config file's; scene files have their own (see rules::scene_labels).
struct location_labels {
    std::string_view no_file = "<config>";
    std::string_view root = "(root)";
};

struct located_error {
    std::string file;     ///< the file as the user named it ("" when not from a file)
    std::string pointer;  ///< JSON pointer into the document ("" is the document root)
    std::string reason;   ///< the message: why, one line, never a secret
    int line = 0;         ///< 1-based line of a syntax error (0 = none: `pointer` locates it)
    int column = 0;       ///< 1-based column of a syntax error

    /// Where in the file: "line L column C" for a syntax error, else the pointer ("" = root).
    [[nodiscard]] std::string where() const;

    /// "file: where: reason" on one line; `labels` says how an empty file or root is shown.
    [[nodiscard]] std::string to_string(const location_labels& labels = {}) const;

    friend bool operator==(const located_error&, const located_error&) = default;
};

/// Every problem found in one go (config and scene loading report all of them, not the first).
using located_errors = std::vector<located_error>;

/// A value, or every problem that prevented it.
template <class T>
using checked = result<T, located_errors>;

/// 1-based line and column of the byte before `byte_offset` in `text` (what nlohmann's parse
/// errors point at).
struct text_position {
    int line = 1;
    int column = 1;
};
text_position position_of(std::string_view text, std::size_t byte_offset);

/// A syntax error at `byte_offset` of `text` (offset 0: the file as a whole).
located_error syntax_error(std::string file, std::string_view text, std::size_t byte_offset, std::string reason);

}  // namespace hearth
