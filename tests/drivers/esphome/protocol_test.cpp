// Unit tests of the ESPHome transport (plugins/esphome/protocol): frame splitting against
// hand-made bytes from the protocol's description (0x00 varint varint payload; 0x01 u16 body),
// hostile frames (oversized lengths, long varints, wrong indicators), a client and a server
// session talking through byte streams split at every offset, in plaintext and Noise, the wrong
// key and mismatched transports ending with precise errors, and protobuf parsing of garbage.
#include "esphome_messages.hpp"
#include "esphome_session.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hearth::esphome {
namespace {

const std::string k_key_b64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  // bytes 0..31

bytes of(std::initializer_list<int> v) {
    bytes b;
    for (int x : v) b.push_back(static_cast<std::uint8_t>(x));
    return b;
}

TEST(esphome_frame, plain_frame_layout) {
    // HelloRequest {client_info: "ab"} = 0a 02 61 62, type 1.
    const bytes f = encode_plain(1, of({0x0a, 0x02, 0x61, 0x62}));
    EXPECT_EQ(f, of({0x00, 0x04, 0x01, 0x0a, 0x02, 0x61, 0x62}));
    const auto s = next_plain_frame(f);
    ASSERT_EQ(s.error, frame_error::none);
    EXPECT_EQ(s.type, 1U);
    EXPECT_EQ(s.size, f.size());
    EXPECT_EQ(s.body_size, 4U);
    // A two-byte varint type (300 = ac 02).
    const bytes g = encode_plain(300, {});
    EXPECT_EQ(g, of({0x00, 0x00, 0xac, 0x02}));
    EXPECT_EQ(next_plain_frame(g).type, 300U);
}

TEST(esphome_frame, plain_frame_incomplete_and_hostile) {
    EXPECT_EQ(next_plain_frame(of({0x00, 0x04, 0x01, 0x0a})).error, frame_error::incomplete);
    EXPECT_EQ(next_plain_frame(of({0x00, 0x80})).error, frame_error::incomplete);
    const auto bad = next_plain_frame(of({0x01, 0x00, 0x00}));
    EXPECT_EQ(bad.error, frame_error::bad_indicator);
    EXPECT_EQ(bad.indicator, 0x01);
    EXPECT_EQ(next_plain_frame(of({0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})).error, frame_error::bad_varint);
    EXPECT_EQ(next_plain_frame(of({0x00, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x01})).error,
              frame_error::bad_varint);                                                             // > 32 bits
    EXPECT_EQ(next_plain_frame(of({0x00, 0x81, 0x80, 0x08, 0x01})).error, frame_error::too_large);  // 128 KiB + 1
}

TEST(esphome_frame, noise_frame_layout) {
    const bytes f = encode_noise_frame(of({0xaa, 0xbb}));
    EXPECT_EQ(f, of({0x01, 0x00, 0x02, 0xaa, 0xbb}));
    const auto s = next_noise_frame(f);
    ASSERT_EQ(s.error, frame_error::none);
    EXPECT_EQ(s.body_size, 2U);
    EXPECT_EQ(next_noise_frame(of({0x01, 0x00})).error, frame_error::incomplete);
    EXPECT_EQ(next_noise_frame(of({0x01, 0xff, 0xff, 0x00})).error, frame_error::incomplete);
    EXPECT_EQ(next_noise_frame(of({0x00, 0x00, 0x00})).error, frame_error::bad_indicator);
    const bytes p = encode_noise_plain(0x0102, of({0x09}));
    EXPECT_EQ(p, of({0x01, 0x02, 0x00, 0x01, 0x09}));
    EXPECT_FALSE(decode_noise_plain(of({0x00, 0x07, 0x00, 0x02, 0x09})));  // length overruns
    EXPECT_FALSE(decode_noise_plain(of({0x00, 0x07, 0x00})));
}

TEST(esphome_frame, encryption_key_parsing) {
    const auto k = parse_encryption_key(k_key_b64);
    ASSERT_TRUE(k);
    EXPECT_EQ((*k)[0], 0);
    EXPECT_EQ((*k)[31], 31);
    EXPECT_FALSE(parse_encryption_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"));   // 43 chars
    EXPECT_FALSE(parse_encryption_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8*"));  // bad char
    EXPECT_FALSE(parse_encryption_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh=="));  // 31 bytes
}

/// Moves bytes between a client and a server session, `step` bytes per feed.
struct link {
    link(session c, session s) : client(std::move(c)), server(std::move(s)) {}
    session client;
    session server;
    std::vector<api_message> at_client;
    std::vector<api_message> at_server;
    feed_result last_client;
    feed_result last_server;

    void to_server(const bytes& b, std::size_t step) {
        for (std::size_t i = 0; i < b.size(); i += step) {
            auto r = server.feed(std::span(b).subspan(i, std::min(step, b.size() - i)));
            for (auto& m : r.messages) at_server.push_back(std::move(m));
            if (!r.reply.empty()) to_client(r.reply, step);
            if (r.error != session_error::none) last_server = std::move(r);
        }
    }
    void to_client(const bytes& b, std::size_t step) {
        for (std::size_t i = 0; i < b.size(); i += step) {
            auto r = client.feed(std::span(b).subspan(i, std::min(step, b.size() - i)));
            for (auto& m : r.messages) at_client.push_back(std::move(m));
            if (r.error != session_error::none) last_client = std::move(r);
        }
    }
};

void exchange(link& l, std::size_t step) {
    l.to_server(l.client.start(), step);
    ASSERT_TRUE(l.client.ready());
    ASSERT_TRUE(l.server.ready());
    pb::HelloRequest hello;
    hello.set_client_info("hearth");
    l.to_server(l.client.encode(msg::hello_request, serialize(hello)), step);
    l.to_server(l.client.encode(msg::ping_request, {}), step);
    ASSERT_EQ(l.at_server.size(), 2U);
    EXPECT_EQ(l.at_server[0].type, msg::hello_request);
    const auto parsed = parse<pb::HelloRequest>(l.at_server[0].payload);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->client_info(), "hearth");
    EXPECT_EQ(l.at_server[1].type, msg::ping_request);
    pb::SwitchStateResponse st;
    st.set_key(0xdeadbeef);
    st.set_state(true);
    l.to_client(l.server.encode(msg::switch_state, serialize(st)), step);
    ASSERT_EQ(l.at_client.size(), 1U);
    const auto back = parse<pb::SwitchStateResponse>(l.at_client[0].payload);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->key(), 0xdeadbeefU);
    EXPECT_TRUE(back->state());
}

TEST(esphome_session, plaintext_both_ways_at_every_split) {
    for (std::size_t step : {1U, 2U, 3U, 7U, 1000U}) {
        link l{session(session::role::client, std::nullopt), session(session::role::server, std::nullopt)};
        exchange(l, step);
    }
}

TEST(esphome_session, noise_both_ways_at_every_split) {
    const auto key = parse_encryption_key(k_key_b64);
    for (std::size_t step : {1U, 2U, 5U, 1000U}) {
        link l{session(session::role::client, key), session(session::role::server, key, "porch", "AA:BB:CC:DD:EE:FF")};
        exchange(l, step);
        EXPECT_EQ(l.client.server_name(), "porch");
        EXPECT_EQ(l.client.server_mac(), "AA:BB:CC:DD:EE:FF");
    }
}

TEST(esphome_session, wrong_key_is_refused_by_the_server_and_reported_by_the_client) {
    auto other = *parse_encryption_key(k_key_b64);
    other[5] ^= 1U;
    link l{session(session::role::client, other),
           session(session::role::server, parse_encryption_key(k_key_b64), "porch", "")};
    l.to_server(l.client.start(), 1000);
    EXPECT_FALSE(l.client.ready());
    EXPECT_EQ(l.last_server.error, session_error::handshake_failed);
    EXPECT_EQ(l.last_client.error, session_error::handshake_rejected);
    EXPECT_NE(l.last_client.detail.find("Handshake MAC failure"), std::string::npos);
    EXPECT_NE(l.last_client.detail.find("wrong encryption_key"), std::string::npos);
    EXPECT_TRUE(l.client.encode(msg::ping_request, {}).empty());
}

TEST(esphome_session, transport_mismatches_are_named) {
    // A plaintext client at a Noise node: the node's refusal says "encryption".
    link a{session(session::role::client, std::nullopt),
           session(session::role::server, parse_encryption_key(k_key_b64), "porch", "")};
    a.to_server(a.client.encode(msg::hello_request, {}), 1000);
    EXPECT_EQ(a.last_server.error, session_error::not_encrypted);
    EXPECT_EQ(a.last_client.error, session_error::requires_encryption);
    // A Noise client at a plaintext node that answers with a plaintext frame.
    session c(session::role::client, parse_encryption_key(k_key_b64));
    (void)c.start();
    const auto r = c.feed(encode_plain(msg::disconnect_request, {}));
    EXPECT_EQ(r.error, session_error::not_encrypted);
}

TEST(esphome_session, tampered_and_garbage_input_end_the_session_without_throwing) {
    const auto key = parse_encryption_key(k_key_b64);
    link l{session(session::role::client, key), session(session::role::server, key, "n", "")};
    l.to_server(l.client.start(), 1000);
    ASSERT_TRUE(l.client.ready());
    bytes f = l.server.encode(msg::ping_request, {});
    f.back() ^= 1U;
    const auto r = l.client.feed(f);
    EXPECT_EQ(r.error, session_error::decrypt_failed);
    EXPECT_EQ(l.client.feed(of({0x01})).error, session_error::protocol);  // stays failed

    session s(session::role::server, std::nullopt);
    EXPECT_EQ(s.feed(of({0x00, 0xff, 0xff, 0xff, 0xff, 0xff})).error, session_error::framing);
    session s2(session::role::server, key, "n", "");
    EXPECT_EQ(s2.feed(of({0x02, 0x00, 0x00})).error, session_error::framing);
    session s3(session::role::server, key, "n", "");
    EXPECT_TRUE(s3.feed(encode_noise_frame({})).reply.size() > 3);  // hello answered
    EXPECT_EQ(s3.feed(encode_noise_frame(of({0x00, 0x01}))).error, session_error::handshake_failed);
}

TEST(esphome_messages, garbage_does_not_parse) {
    EXPECT_FALSE(parse<pb::HelloResponse>(of({0x0a, 0x05, 0x61})));                     // truncated string
    EXPECT_FALSE(parse<pb::SwitchStateResponse>(of({0x0f})));                           // wire type 7
    EXPECT_TRUE(parse<pb::SwitchStateResponse>(of({0x78, 0x01})));                      // unknown field 15: skipped
    EXPECT_FALSE(parse<pb::ListEntitiesSwitchResponse>(of({0x0a, 0x02, 0xc3, 0x28})));  // invalid UTF-8
}

}  // namespace
}  // namespace hearth::esphome
