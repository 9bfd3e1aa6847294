// located_error formatting and the byte offset -> line/column conversion.
#include "core/located_error.hpp"

namespace hearth {

std::string located_error::where() const {
    if (line > 0) return "line " + std::to_string(line) + " column " + std::to_string(column);
    return pointer;
}

std::string located_error::to_string(const location_labels& labels) const {
    std::string out = file.empty() ? std::string(labels.no_file) : file;
    out += ": ";
    std::string at = where();
    out += at.empty() ? std::string(labels.root) : at;
    out += ": ";
    out += reason;
    return out;
}

text_position position_of(std::string_view text, std::size_t byte_offset) {
    text_position p;
    for (std::size_t i = 0; i < text.size() && i + 1 < byte_offset; ++i) {
        if (text[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else {
            ++p.column;
        }
    }
    return p;
}

located_error syntax_error(std::string file, std::string_view text, std::size_t byte_offset, std::string reason) {
    located_error e{std::move(file), "", std::move(reason)};
    if (byte_offset > 0) {
        auto p = position_of(text, byte_offset);
        e.line = p.line;
        e.column = p.column;
    }
    return e;
}

}  // namespace hearth
