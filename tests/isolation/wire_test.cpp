// Unit tests of the core <-> worker framing (src/plugin/wire.hpp): round trips, split reads,
// many frames per chunk, oversize and garbage frames (the stream is then poisoned for good).
#include "plugin/wire.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using json = nlohmann::json;
using hearth::wire::frame_reader;
namespace wire = hearth::wire;

std::vector<json> drain(frame_reader& r) {
    std::vector<json> out;
    json m;
    while (r.next(m) == frame_reader::result::message) out.push_back(m);
    return out;
}

std::string header(std::uint32_t n) {
    return std::string{static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                       static_cast<char>((n >> 16) & 0xff), static_cast<char>((n >> 24) & 0xff)};
}

TEST(Wire, FrameIsLittleEndianLengthPlusJson) {
    const std::string f = wire::encode({{"t", "ready"}});
    const std::string payload = R"({"t":"ready"})";
    EXPECT_EQ(f, header(static_cast<std::uint32_t>(payload.size())) + payload);
}

TEST(Wire, RoundTripsEveryMessage) {
    const std::vector<json> all = {
        wire::start_message("/p/x.so", "x", "x1", {{"host", "1.2.3.4"}}, {{"call_timeout_ms", 5000}}),
        wire::command_message(42, "lamp", R"({"command":"turn_on","params":{}})"),
        wire::refresh_message("lamp"),
        wire::stop_message(750),
        wire::hello_message("x", "1.0.0", 1234),
        wire::device_registered_message({{"id", "lamp"}, {"type", "switch"}}),
        wire::device_removed_message("lamp"),
        wire::state_message("lamp", {{"on", true}}),
        wire::event_message("lamp", {{"event_type", "press"}}),
        wire::availability_message("lamp", false),
        wire::command_done_message(42, -3, "refused"),
        wire::ready_message(),
        wire::failed_message("hung", false),
        wire::heartbeat_message(1700000000000, {{"calls", 3}}),
    };
    std::string stream;
    for (const auto& m : all) wire::append_frame(stream, m);
    frame_reader r;
    r.feed(stream);
    const auto got = drain(r);
    ASSERT_EQ(got.size(), all.size());
    for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(got[i], all[i]) << i;
    EXPECT_EQ(r.buffered(), 0u);
    EXPECT_EQ(got[1]["id"].get<std::uint64_t>(), 42u);
    EXPECT_EQ(got[12]["fatal"], false);
}

TEST(Wire, ReassemblesByteByByteSplitReads) {
    std::string stream;
    for (int i = 0; i < 50; ++i) wire::append_frame(stream, wire::state_message("d" + std::to_string(i), {{"n", i}}));
    frame_reader r;
    std::vector<json> got;
    json m;
    for (char c : stream) {
        r.feed(&c, 1);
        while (r.next(m) == frame_reader::result::message) got.push_back(m);
    }
    ASSERT_EQ(got.size(), 50u);
    EXPECT_EQ(got[49]["state"]["n"], 49);
    EXPECT_EQ(r.buffered(), 0u);
}

TEST(Wire, PartialHeaderAndPayloadNeedMore) {
    const std::string f = wire::encode(wire::ready_message());
    frame_reader r;
    json m;
    r.feed(f.substr(0, 2));
    EXPECT_EQ(r.next(m), frame_reader::result::need_more);
    r.feed(f.substr(2, 5));
    EXPECT_EQ(r.next(m), frame_reader::result::need_more);
    r.feed(f.substr(7));
    EXPECT_EQ(r.next(m), frame_reader::result::message);
    EXPECT_EQ(m["t"], "ready");
    EXPECT_EQ(r.next(m), frame_reader::result::need_more);
}

TEST(Wire, OversizeFrameIsRejectedBeforeBuffering) {
    frame_reader r(1024);
    json m;
    r.feed(header(1025) + "{");
    EXPECT_EQ(r.next(m), frame_reader::result::error);
    EXPECT_NE(r.error().find("exceeds the limit of 1024"), std::string::npos) << r.error();
    EXPECT_EQ(r.buffered(), 0u);
    // Poisoned: even a valid frame afterwards is not accepted.
    r.feed(wire::encode(wire::ready_message()));
    EXPECT_EQ(r.next(m), frame_reader::result::error);
}

TEST(Wire, DefaultLimitIs16MiB) {
    frame_reader r;
    json m;
    r.feed(header(static_cast<std::uint32_t>(wire::max_frame_size)));
    EXPECT_EQ(r.next(m), frame_reader::result::need_more);  // exactly at the limit: allowed
    frame_reader r2;
    r2.feed(header(static_cast<std::uint32_t>(wire::max_frame_size + 1)));
    EXPECT_EQ(r2.next(m), frame_reader::result::error);
}

TEST(Wire, EncodingAnOversizeMessageThrows) {
    const json big = {{"t", "state"}, {"blob", std::string(wire::max_frame_size, 'x')}};
    EXPECT_THROW((void)wire::encode(big), std::length_error);
}

TEST(Wire, GarbageIsAnError) {
    for (const std::string& payload : {std::string("not json at all"), std::string("[1,2,3]"),
                                       std::string(R"({"no_type":1})"), std::string(R"({"t":7})")}) {
        frame_reader r;
        json m;
        r.feed(header(static_cast<std::uint32_t>(payload.size())) + payload);
        EXPECT_EQ(r.next(m), frame_reader::result::error) << payload;
        EXPECT_FALSE(r.error().empty());
    }
}

TEST(Wire, EmptyFrameIsAnError) {
    frame_reader r;
    json m;
    r.feed(header(0));
    EXPECT_EQ(r.next(m), frame_reader::result::error);
    EXPECT_EQ(r.error(), "empty frame");
}

TEST(Wire, InvalidUtf8IsReplacedNotThrown) {
    const json m = wire::state_message("d", {{"name", std::string("bad \xff byte")}});
    frame_reader r;
    json out;
    r.feed(wire::encode(m));
    ASSERT_EQ(r.next(out), frame_reader::result::message);
    EXPECT_EQ(out["device"], "d");
}

}  // namespace
