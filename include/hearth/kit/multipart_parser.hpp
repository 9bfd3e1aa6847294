// Role: incremental parser for the body of a `multipart/mixed` (or `multipart/x-mixed-replace`)
// HTTP response, as sent on ISAPI's never-ending alertStream. Bytes are fed as they arrive, in
// pieces of any size; complete parts come out in order. Parts with a valid Content-Length are
// cut by length, the others at the next boundary delimiter. CRLF and bare LF line endings are
// both accepted. Anything that is not a well-formed part (preamble, junk between parts, an
// oversized part or header block) is skipped until the next boundary line, so one bad part
// never stalls the stream. Pure code, no I/O.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::kit {

/// One part of a multipart body.
struct multipart_part {
    std::map<std::string, std::string> headers;  ///< keys lower-cased, values trimmed
    std::string body;
};

/// Extracts the `boundary` parameter of a multipart Content-Type value (quotes removed);
/// nullopt if the type is not multipart/* or the parameter is missing.
std::optional<std::string> multipart_boundary(std::string_view content_type);

class multipart_parser {
public:
    /// `boundary` is the Content-Type parameter (without the leading "--"). Parts or header
    /// blocks larger than `max_part_bytes` are dropped (counted in discarded_bytes()).
    explicit multipart_parser(std::string boundary, std::size_t max_part_bytes = std::size_t{256} * 1024);

    /// Consumes `data` and appends every part completed by it to `out`.
    void feed(std::string_view data, std::vector<multipart_part>& out);

    /// Bytes skipped as not belonging to any well-formed part (diagnostics and tests).
    [[nodiscard]] std::size_t discarded_bytes() const noexcept { return discarded_; }
    /// True once the closing delimiter (`--boundary--`) was seen; feeding may continue.
    [[nodiscard]] bool saw_close_delimiter() const noexcept { return closed_; }

private:
    enum class state { seek_boundary, headers, body_by_length, body_by_delimiter };

    bool step(std::vector<multipart_part>& out);  ///< one transition; false when more input is needed
    std::optional<std::string_view> next_line();  ///< a whole line at pos_ without its CR/LF
    bool is_boundary_line(std::string_view line, bool& closing) const;
    bool may_start_boundary_line(std::string_view partial) const;  ///< an incomplete line
    void skip_to_boundary(std::size_t dropped);
    void compact();

    std::string boundary_;  // "--" + boundary
    std::size_t max_part_;
    std::string buffer_;
    std::size_t pos_ = 0;          // first unconsumed byte of buffer_
    std::size_t search_from_ = 0;  // delimiter search resumes here (body_by_delimiter)
    state state_ = state::seek_boundary;
    multipart_part current_;
    std::size_t header_bytes_ = 0;
    std::size_t content_length_ = 0;
    std::size_t discarded_ = 0;
    bool closed_ = false;
    bool skipping_line_ = false;  // dropping the rest of a junk line seen incomplete
};

}  // namespace hearth::kit
