// Unit tests of include/hearth/kit/crypto.hpp against published vectors.
//
// Vector sources:
//   - AES-128: FIPS-197 appendix C.1 (key 000102..0f, plaintext 00112233..ff ->
//     69c4e0d86a7b0430d8cdb78070b4c55a).
//   - AES-128-GCM: the GCM specification's test cases (McGrew & Viega, "The Galois/Counter Mode of
//     Operation"), test case 2 (zero key, zero IV, one zero block) and test case 4 (60-byte
//     plaintext with 20 bytes of additional data).
//   - HMAC-SHA256: RFC 4231 test case 2 (key "Jefe").
//   - CRC-32: the check value of the CRC-32/ISO-HDLC catalogue entry ("123456789" -> cbf43926).
//   - MD5: RFC 1321 appendix A.5 ("abc").
#include <hearth/kit/crypto.hpp>

#include <gtest/gtest.h>

namespace hearth::kit {
namespace {

byte_vector hex(std::string_view h) {
    auto v = parse_hex(h);
    if (!v) throw std::invalid_argument("bad hex in test");
    return *v;
}

aes128_key key_of(std::string_view h) {
    const auto v = hex(h);
    aes128_key k{};
    std::copy(v.begin(), v.end(), k.begin());
    return k;
}

TEST(kit_crypto, aes128_ecb_fips197_vector_without_padding) {
    const auto key = key_of("000102030405060708090a0b0c0d0e0f");
    const auto plain = hex("00112233445566778899aabbccddeeff");
    const auto cipher = aes128_ecb_encrypt(key, plain, false);
    ASSERT_TRUE(cipher);
    EXPECT_EQ(to_hex(*cipher), "69c4e0d86a7b0430d8cdb78070b4c55a");
    const auto back = aes128_ecb_decrypt(key, *cipher, false);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, plain);
}

TEST(kit_crypto, aes128_ecb_padding_adds_a_full_block_and_round_trips) {
    const auto key = key_of("000102030405060708090a0b0c0d0e0f");
    const auto plain = hex("00112233445566778899aabbccddeeff");
    const auto cipher = aes128_ecb_encrypt(key, plain, true);
    ASSERT_TRUE(cipher);
    ASSERT_EQ(cipher->size(), 32U);
    EXPECT_EQ(to_hex(std::span(*cipher).first(16)), "69c4e0d86a7b0430d8cdb78070b4c55a");
    EXPECT_EQ(aes128_ecb_decrypt(key, *cipher, true), plain);
    // The same data without removing the padding shows the 16 bytes of value 0x10.
    const auto raw = aes128_ecb_decrypt(key, *cipher, false);
    ASSERT_TRUE(raw);
    EXPECT_EQ(to_hex(std::span(*raw).last(16)), "10101010101010101010101010101010");
}

TEST(kit_crypto, aes128_ecb_refuses_bad_lengths_and_wrong_keys) {
    const auto key = key_of("000102030405060708090a0b0c0d0e0f");
    EXPECT_FALSE(aes128_ecb_encrypt(key, hex("0011"), false));
    EXPECT_FALSE(aes128_ecb_decrypt(key, {}, true));
    EXPECT_FALSE(aes128_ecb_decrypt(key, hex("0011223344"), true));
    const auto cipher = aes128_ecb_encrypt(key, as_bytes("{\"dps\":{\"1\":true}}"), true);
    ASSERT_TRUE(cipher);
    // A wrong key decrypts to noise whose last byte is almost never valid padding.
    EXPECT_FALSE(aes128_ecb_decrypt(key_of("ffeeddccbbaa99887766554433221100"), *cipher, true));
}

TEST(kit_crypto, aes128_gcm_spec_test_case_2) {
    const aes128_key key{};
    const std::array<std::uint8_t, 12> iv{};
    const auto plain = hex("00000000000000000000000000000000");
    const auto sealed = aes128_gcm_encrypt(key, iv, {}, plain);
    EXPECT_EQ(to_hex(sealed.cipher), "0388dace60b6a392f328c2b971b2fe78");
    EXPECT_EQ(to_hex(sealed.tag), "ab6e47d42cec13bdf53a67b21257bddf");
    EXPECT_EQ(aes128_gcm_decrypt(key, iv, {}, sealed.cipher, sealed.tag), plain);
}

TEST(kit_crypto, aes128_gcm_spec_test_case_4_with_aad_and_tamper_checks) {
    const auto key = key_of("feffe9928665731c6d6a8f9467308308");
    const auto iv_bytes = hex("cafebabefacedbaddecaf888");
    std::array<std::uint8_t, 12> iv{};
    std::copy(iv_bytes.begin(), iv_bytes.end(), iv.begin());
    const auto plain = hex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de6"
        "57ba637b39");
    const auto aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    const auto sealed = aes128_gcm_encrypt(key, iv, aad, plain);
    EXPECT_EQ(
        to_hex(sealed.cipher),
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0a"
        "ac973d58e091");
    EXPECT_EQ(to_hex(sealed.tag), "5bc94fbc3221a5db94fae95ae7121a47");
    EXPECT_EQ(aes128_gcm_decrypt(key, iv, aad, sealed.cipher, sealed.tag), plain);

    auto bad_tag = sealed.tag;
    bad_tag[0] ^= 1;
    EXPECT_FALSE(aes128_gcm_decrypt(key, iv, aad, sealed.cipher, bad_tag));
    auto bad_aad = aad;
    bad_aad.back() ^= 1;
    EXPECT_FALSE(aes128_gcm_decrypt(key, iv, bad_aad, sealed.cipher, sealed.tag));
    auto bad_cipher = sealed.cipher;
    bad_cipher[10] ^= 0x80;
    EXPECT_FALSE(aes128_gcm_decrypt(key, iv, aad, bad_cipher, sealed.tag));
}

TEST(kit_crypto, hmac_sha256_rfc4231_case_2) {
    EXPECT_EQ(to_hex(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(kit_crypto, crc32_check_value_and_empty_input) {
    EXPECT_EQ(crc32(as_bytes("123456789")), 0xCBF43926U);
    EXPECT_EQ(crc32({}), 0U);
}

TEST(kit_crypto, md5_rfc1321_abc) { EXPECT_EQ(to_hex(md5(as_bytes("abc"))), "900150983cd24fb0d6963f7d28e17f72"); }

TEST(kit_crypto, constant_time_equal_compares_length_and_content) {
    EXPECT_TRUE(constant_time_equal(hex("0102"), hex("0102")));
    EXPECT_FALSE(constant_time_equal(hex("0102"), hex("0103")));
    EXPECT_FALSE(constant_time_equal(hex("0102"), hex("010203")));
    EXPECT_TRUE(constant_time_equal({}, {}));
}

TEST(kit_crypto, parse_hex_accepts_both_cases_and_refuses_malformed_text) {
    EXPECT_EQ(parse_hex("0aFf"), (byte_vector{0x0a, 0xff}));
    EXPECT_FALSE(parse_hex("abc"));
    EXPECT_FALSE(parse_hex("zz"));
    EXPECT_EQ(parse_hex(""), byte_vector{});
}

}  // namespace
}  // namespace hearth::kit
