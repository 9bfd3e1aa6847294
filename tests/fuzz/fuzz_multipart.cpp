// Fuzz target: the ISAPI alert stream (include/hearth/kit/multipart_parser.hpp): the
// Content-Type header through multipart_boundary, then the never-ending multipart body fed in
// chunks split at input-derived places. Input: first line = Content-Type value, then one flags
// byte (bit 0: a small part limit of 64 bytes), then the body. Checks: no part exceeds the
// limit; and with the real limit, splitting the body differently (one piece, byte by byte,
// random chunks) yields the same parts and the same close-delimiter flag.
#include "fuzz_support.hpp"
#include <hearth/kit/multipart_parser.hpp>

namespace {

using hearth::kit::multipart_part;

struct parse_outcome {
    std::vector<multipart_part> parts;
    bool closed = false;
};

/// Feeds `body` in pieces whose sizes come from `sizes` (0 = the whole body at once).
template <typename Sizes>
parse_outcome parse_in_pieces(const std::string& boundary, std::size_t limit, std::string_view body, Sizes sizes) {
    hearth::kit::multipart_parser parser(boundary, limit);
    parse_outcome out;
    std::size_t offset = 0;
    while (offset < body.size()) {
        const std::size_t n = sizes(body.size() - offset);
        parser.feed(body.substr(offset, n), out.parts);
        offset += n;
    }
    out.closed = parser.saw_close_delimiter();
    return out;
}

bool same_parts(const std::vector<multipart_part>& a, const std::vector<multipart_part>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].headers != b[i].headers || a[i].body != b[i].body) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    hearth::fuzz::input_reader in(data, size);
    const std::optional<std::string> boundary = hearth::kit::multipart_boundary(in.line());
    if (!boundary) return 0;
    const bool small_limit = (in.byte() & 1) != 0;
    const std::size_t limit = small_limit ? 64 : 256 * 1024;
    const std::string_view body = in.rest();

    hearth::fuzz::chunker chunks(body);
    const parse_outcome random_chunks =
        parse_in_pieces(*boundary, limit, body, [&chunks](std::size_t left) { return chunks.next(left); });
    for (const auto& part : random_chunks.parts) check(part.body.size() <= limit, "a part above the limit");
    if (small_limit) return 0;

    const parse_outcome whole = parse_in_pieces(*boundary, limit, body, [](std::size_t left) { return left; });
    const parse_outcome bytewise = parse_in_pieces(*boundary, limit, body, [](std::size_t) { return std::size_t{1}; });
    check(same_parts(whole.parts, random_chunks.parts) && whole.closed == random_chunks.closed,
          "random chunks parse differently from the whole body");
    check(same_parts(whole.parts, bytewise.parts) && whole.closed == bytewise.closed,
          "byte-by-byte parses differently from the whole body");
    return 0;
}
