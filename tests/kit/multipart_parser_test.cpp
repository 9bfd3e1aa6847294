// Unit tests of multipart_parser.hpp: Content-Length and delimiter-cut parts, every split of
// the input across reads, CRLF and bare LF, garbage between and inside parts, size limits.
#include <hearth/kit/multipart_parser.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hearth::kit {
namespace {

std::vector<multipart_part> parse_in_pieces(const std::string& input, std::size_t piece,
                                            const std::string& boundary = "boundary", std::size_t max_part = 256 * 1024,
                                            std::size_t* discarded = nullptr) {
    multipart_parser p(boundary, max_part);
    std::vector<multipart_part> out;
    for (std::size_t i = 0; i < input.size(); i += piece) p.feed(std::string_view(input).substr(i, piece), out);
    if (discarded != nullptr) *discarded = p.discarded_bytes();
    return out;
}

std::vector<std::string> bodies(const std::vector<multipart_part>& parts) {
    std::vector<std::string> out;
    for (const auto& p : parts) out.push_back(p.body);
    return out;
}

// A camera-like stream: a Content-Length part, a delimiter-cut part, a part with a body that
// contains CRLFs and a "--boundary" look-alike not at a line start, then the closing delimiter.
const std::string k_stream =
    "--boundary\r\n"
    "Content-Type: application/xml; charset=\"UTF-8\"\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "hello"
    "\r\n--boundary\r\n"
    "Content-Type: application/xml\r\n"
    "\r\n"
    "<a>x</a>\r\n<b/>"
    "\r\n--boundary\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "line1\r\nnot a --boundary here\r\n"
    "\r\n--boundary--\r\n";

TEST(multipart_parser, whole_input_at_once) {
    multipart_parser p("boundary");
    std::vector<multipart_part> out;
    p.feed(k_stream, out);
    ASSERT_EQ(out.size(), 3U);
    EXPECT_EQ(out[0].body, "hello");
    EXPECT_EQ(out[0].headers.at("content-type"), "application/xml; charset=\"UTF-8\"");
    EXPECT_EQ(out[0].headers.at("content-length"), "5");
    EXPECT_EQ(out[1].body, "<a>x</a>\r\n<b/>");
    EXPECT_EQ(out[2].body, "line1\r\nnot a --boundary here\r\n");
    EXPECT_TRUE(p.saw_close_delimiter());
    EXPECT_EQ(p.discarded_bytes(), 0U);
}

TEST(multipart_parser, every_piece_size_gives_the_same_parts) {
    const auto expected = bodies(parse_in_pieces(k_stream, k_stream.size()));
    for (std::size_t piece = 1; piece <= 40; ++piece)
        EXPECT_EQ(bodies(parse_in_pieces(k_stream, piece)), expected) << "piece size " << piece;
}

TEST(multipart_parser, bare_lf_line_endings) {
    const std::string s = "--b\nContent-Length: 2\n\nok\n--b\nX: y\n\nsecond\n--b\n";
    const auto parts = parse_in_pieces(s, 3, "b");
    ASSERT_EQ(parts.size(), 2U);
    EXPECT_EQ(parts[0].body, "ok");
    EXPECT_EQ(parts[1].body, "second");
    EXPECT_EQ(parts[1].headers.at("x"), "y");
}

TEST(multipart_parser, content_length_body_may_contain_the_delimiter) {
    const std::string body = "a\r\n--boundary\r\nb";
    const std::string s =
        "--boundary\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body + "\r\n--boundary\r\n";
    const auto parts = parse_in_pieces(s, 7);
    ASSERT_EQ(parts.size(), 1U);
    EXPECT_EQ(parts[0].body, body);
}

TEST(multipart_parser, garbage_preamble_and_junk_between_parts_are_skipped) {
    const std::string s =
        "some preamble\r\n\x01\x02\xff junk\r\n"
        "--boundary\r\nContent-Length: 3\r\n\r\none"
        "\r\n\r\ntrailing junk after a length part\r\n"
        "--boundary\r\n"
        "this is no header line\r\n\r\nbody of a broken part\r\n"
        "--boundary\r\nContent-Type: a/b\r\n\r\ntwo\r\n--boundary\r\n";
    for (std::size_t piece : {1U, 5U, 1000U}) {
        std::size_t discarded = 0;
        const auto parts = parse_in_pieces(s, piece, "boundary", 256 * 1024, &discarded);
        EXPECT_EQ(bodies(parts), (std::vector<std::string>{"one", "two"})) << "piece " << piece;
        EXPECT_GT(discarded, 0U);
    }
}

TEST(multipart_parser, oversized_parts_are_dropped_and_the_stream_resyncs) {
    const std::string big(5000, 'x');
    const std::string s = "--boundary\r\nContent-Length: 99999999\r\n\r\n" + big +  // invalid length: cut by delimiter
                          "\r\n--boundary\r\n\r\n" + big +                          // too big without a length
                          "\r\n--boundary\r\nContent-Length: 2\r\n\r\nok\r\n--boundary\r\n";
    for (std::size_t piece : {1U, 64U, 100000U}) {
        const auto parts = parse_in_pieces(s, piece, "boundary", 1024);
        ASSERT_EQ(parts.size(), 1U) << "piece " << piece;  // (no printing of 5000-byte bodies)
        EXPECT_EQ(parts[0].body, "ok") << "piece " << piece;
    }
}

TEST(multipart_parser, endless_garbage_keeps_memory_bounded) {
    multipart_parser p("boundary", 1024);
    std::vector<multipart_part> out;
    const std::string junk(4096, 'z');  // no newline at all
    for (int i = 0; i < 100; ++i) p.feed(junk, out);
    p.feed("\r\n--boundary\r\nContent-Length: 1\r\n\r\n!\r\n--boundary\r\n", out);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].body, "!");
    EXPECT_GE(p.discarded_bytes(), 400000U);
}

TEST(multipart_parser, empty_body_and_transport_padding) {
    const std::string s =
        "--boundary  \r\nContent-Type: a/b\r\n\r\n--boundary\r\nContent-Length: 0\r\n\r\n\r\n--boundary\r\n";
    const auto parts = parse_in_pieces(s, 2);
    EXPECT_EQ(bodies(parts), (std::vector<std::string>{"", ""}));
}

TEST(multipart_parser, boundary_from_content_type) {
    EXPECT_EQ(multipart_boundary("multipart/mixed; boundary=boundary").value_or("?"), "boundary");
    EXPECT_EQ(multipart_boundary("Multipart/Mixed;Boundary=\"My Bound\"; x=y").value_or("?"), "My Bound");
    EXPECT_EQ(multipart_boundary("multipart/x-mixed-replace; boundary=--frame; charset=x").value_or("?"), "--frame");
    EXPECT_FALSE(multipart_boundary("application/xml"));
    EXPECT_FALSE(multipart_boundary("multipart/mixed"));
    EXPECT_FALSE(multipart_boundary("multipart/mixed; xboundary=a"));
}

}  // namespace
}  // namespace hearth::kit
