// Unit tests of the pure miIO frame functions (plugins/miio/transport/miio_protocol.hpp).
//
// Where the vectors come from: built by hand from the documented layout and computed with the
// OpenSSL 3 CLI (Debian bookworm), token 00112233445566778899aabbccddeeff:
//   KEY=$(printf $T | xxd -r -p | openssl dgst -md5 -binary | xxd -p)
//       -> 6e8311168ee16d6aa1aa48c64145003c
//   IV=$(printf "$KEY$T" | xxd -r -p | openssl dgst -md5 -binary | xxd -p)
//       -> 6f434fa9acd75da73e5fb999f641cda2
//   printf '%s' '{"id":1,"method":"get_status","params":[]}' | openssl enc -aes-128-cbc -K $KEY -iv $IV | xxd -p
//       -> 48 bytes, below (k_cipher)
//   header 2131 0050 00000000 0123abcd 00002710 (length 80, device id 0x0123abcd, stamp 10000)
//   printf "${HDR}${T}${C}" | xxd -r -p | openssl dgst -md5 -binary | xxd -p
//       -> a5bd459cb43532fc2135f2e6316ebb9a (the checksum)
//   printf 'abc' | openssl enc ...             -> a562d17ff1ffde708dce30b08a275270 (13 bytes of padding)
//   printf '0123456789abcdef' | openssl enc ... -> 32 bytes (a full block of padding)
#include "miio_protocol.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace hearth::miio;

const std::string k_token_hex = "00112233445566778899aabbccddeeff";
const std::string k_payload = R"({"id":1,"method":"get_status","params":[]})";
const std::string k_cipher =
    "a5516ec6151955dc2bb2d43e7c84c183bbabebda6a820d0a55fcfe476c51a42cdb4e99776d93c2afe2d14dcacc7585b5";
const std::string k_frame = "21310050000000000123abcd00002710a5bd459cb43532fc2135f2e6316ebb9a" + k_cipher;

bytes from_hex(const std::string& h) {
    bytes out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
}
token_bytes token() { return *parse_token(k_token_hex); }
bytes as_bytes(const std::string& s) { return bytes(s.begin(), s.end()); }

TEST(MiioProtocol, ParsesTokens) {
    EXPECT_TRUE(parse_token(k_token_hex).has_value());
    EXPECT_TRUE(parse_token("00112233445566778899AABBCCDDEEFF").has_value());
    EXPECT_FALSE(parse_token("0011").has_value());
    EXPECT_FALSE(parse_token("zz112233445566778899aabbccddeeff").has_value());
}

TEST(MiioProtocol, DerivesKeyAndIvLikeOpensslCli) {
    const auto k = derive_keys(token());
    EXPECT_EQ(to_hex(k.key), "6e8311168ee16d6aa1aa48c64145003c");
    EXPECT_EQ(to_hex(k.iv), "6f434fa9acd75da73e5fb999f641cda2");
}

TEST(MiioProtocol, EncryptsWithPkcs7Padding) {
    const auto k = derive_keys(token());
    EXPECT_EQ(to_hex(encrypt(k, as_bytes(k_payload))), k_cipher);
    EXPECT_EQ(to_hex(encrypt(k, as_bytes("abc"))), "a562d17ff1ffde708dce30b08a275270");
    const bytes full = encrypt(k, as_bytes("0123456789abcdef"));  // block-sized input: one extra block
    EXPECT_EQ(to_hex(full), "ce6c659add94d49a13a40a1b3eb5c39ec5d0fcb8fe39dee43637d0a4aa36fac7");
    const auto back = decrypt(k, full);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(std::string(back->begin(), back->end()), "0123456789abcdef");
    EXPECT_FALSE(decrypt(k, bytes(15, 0)).has_value());  // not a block multiple
}

TEST(MiioProtocol, EncodesTheKnownFrame) {
    EXPECT_EQ(to_hex(encode_frame(token(), 0x0123abcd, 10000, k_payload)), k_frame);
}

TEST(MiioProtocol, DecodesTheKnownFrame) {
    const auto r = decode_frame(token(), from_hex(k_frame));
    ASSERT_TRUE(r.frame.has_value()) << describe(r.error);
    EXPECT_EQ(r.frame->head.length, 80);
    EXPECT_EQ(r.frame->head.device_id, 0x0123abcdU);
    EXPECT_EQ(r.frame->head.stamp, 10000U);
    EXPECT_EQ(r.frame->json_text, k_payload);
}

TEST(MiioProtocol, WrongTokenFailsTheChecksum) {
    const auto other = *parse_token("ffeeddccbbaa99887766554433221100");
    const auto r = decode_frame(other, from_hex(k_frame));
    EXPECT_FALSE(r.frame.has_value());
    EXPECT_EQ(r.error, decode_error::bad_checksum);
}

TEST(MiioProtocol, WrongKeyFailsTheDecryption) {
    // A frame whose checksum matches but whose payload was encrypted with another token: the
    // padding check catches it (decrypt failure), as the brief's "wrong token" case requires.
    const auto other = *parse_token("ffeeddccbbaa99887766554433221100");
    EXPECT_FALSE(decrypt(derive_keys(other), from_hex(k_cipher)).has_value());
}

TEST(MiioProtocol, RefusesMalformedFrames) {
    EXPECT_EQ(decode_frame(token(), bytes(10, 0)).error, decode_error::too_short);
    bytes f = from_hex(k_frame);
    f[0] = 0x22;
    EXPECT_EQ(decode_frame(token(), f).error, decode_error::bad_magic);
    f = from_hex(k_frame);
    f.pop_back();
    EXPECT_EQ(decode_frame(token(), f).error, decode_error::bad_length);
    f = from_hex(k_frame);
    f[40] ^= 1;
    EXPECT_EQ(decode_frame(token(), f).error, decode_error::bad_checksum);
}

TEST(MiioProtocol, HelloFrameAndReply) {
    const bytes h = hello_frame();
    ASSERT_EQ(h.size(), 32U);
    EXPECT_EQ(to_hex(h), "21310020" + std::string(56, 'f'));
    // A hello reply as documented: unknown 0, device id, stamp, 0xFF checksum (provisioned).
    const bytes reply = from_hex("21310020000000000123abcd000004d2" + std::string(32, 'f'));
    const auto r = parse_hello_reply(reply);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->device_id, 0x0123abcdU);
    EXPECT_EQ(r->stamp, 1234U);
    EXPECT_FALSE(parse_hello_reply(from_hex(k_frame)).has_value());  // has a payload
    EXPECT_FALSE(parse_hello_reply(bytes(31, 0xFF)).has_value());
}

TEST(MiioProtocol, ClassifiesRepliesByRequestId) {
    const auto t = token();
    const bytes reply7 = encode_frame(t, 1, 2, R"({"id":7,"result":["ok"]})");
    EXPECT_EQ(classify_reply(t, reply7, 7).kind, reply_kind::match);
    EXPECT_EQ(classify_reply(t, reply7, 8).kind, reply_kind::stale);  // old or duplicated reply
    EXPECT_EQ(classify_reply(t, encode_frame(t, 1, 2, "not json"), 7).kind, reply_kind::garbage);
    EXPECT_EQ(classify_reply(t, encode_frame(t, 1, 2, R"({"result":1})"), 7).kind, reply_kind::garbage);
    const auto other = *parse_token("ffeeddccbbaa99887766554433221100");
    const auto wrong = classify_reply(other, reply7, 7);
    EXPECT_EQ(wrong.kind, reply_kind::garbage);
    EXPECT_NE(wrong.detail.find("wrong token"), std::string::npos);
    // Trailing NULs some firmwares append are ignored.
    EXPECT_EQ(classify_reply(t, encode_frame(t, 1, 2, std::string(R"({"id":7,"result":0})") + '\0'), 7).kind,
              reply_kind::match);
}

}  // namespace
