// Unit tests of digest_auth.hpp against published vectors.
//
// Vector sources:
//   - RFC 2617 "HTTP Authentication: Basic and Digest Access Authentication", section 3.5
//     (Example): user "Mufasa", password "Circle Of Life", realm "testrealm@host.com",
//     nonce "dcd98b7102dd2f0e8b11d0f600bfb0c093", GET "/dir/index.html", qop=auth,
//     nc=00000001, cnonce "0a4f113b" -> response "6629fae49393a05397450978507c4ef1".
//   - RFC 7616 section 3.9.1 (Example with SHA-256 and MD5): user "Mufasa", password
//     "Circle of Life" (lower-case "of"), realm "http-auth@example.org", nonce
//     "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", cnonce
//     "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", same uri, qop=auth, nc=00000001.
#include <hearth/kit/digest_auth.hpp>

#include <gtest/gtest.h>

namespace hearth::kit {
namespace {

TEST(digest_auth, rfc2617_example_vector) {
    digest_inputs in;
    in.algorithm = "MD5";
    in.username = "Mufasa";
    in.password = "Circle Of Life";
    in.realm = "testrealm@host.com";
    in.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
    in.method = "GET";
    in.uri = "/dir/index.html";
    in.qop = "auth";
    in.nc = "00000001";
    in.cnonce = "0a4f113b";
    EXPECT_EQ(digest_response(in), "6629fae49393a05397450978507c4ef1");
}

TEST(digest_auth, rfc7616_md5_and_sha256_vectors) {
    digest_inputs in;
    in.username = "Mufasa";
    in.password = "Circle of Life";
    in.realm = "http-auth@example.org";
    in.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    in.method = "GET";
    in.uri = "/dir/index.html";
    in.qop = "auth";
    in.nc = "00000001";
    in.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    in.algorithm = "MD5";
    EXPECT_EQ(digest_response(in), "8ca523f5e9506fed4657c9700eebdbec");
    in.algorithm = "SHA-256";
    EXPECT_EQ(digest_response(in), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(digest_auth, md5_of_empty_string) {
    EXPECT_EQ(digest_hex("MD5", ""), "d41d8cd98f00b204e9800998ecf8427e");  // RFC 1321 A.5
}

TEST(digest_auth, parses_the_rfc2617_challenge) {
    const auto c = parse_digest_challenge(
        "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->realm, "testrealm@host.com");
    EXPECT_EQ(c->nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
    EXPECT_EQ(c->opaque, "5ccc069c403ebaf9f0171e9517f40e41");
    EXPECT_EQ(c->algorithm, "MD5");
    EXPECT_TRUE(c->qop_auth);
    EXPECT_FALSE(c->stale);
}

TEST(digest_auth, finds_digest_among_several_challenges_and_reads_stale) {
    const auto c = parse_digest_challenge("Basic realm=\"x\", DIGEST realm=\"cam\", nonce=abc, stale=TRUE, qop=auth");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->realm, "cam");
    EXPECT_EQ(c->nonce, "abc");
    EXPECT_TRUE(c->stale);
    EXPECT_FALSE(parse_digest_challenge("Basic realm=\"x\""));
    EXPECT_FALSE(parse_digest_challenge("Digest realm=\"x\""));  // no nonce
    EXPECT_FALSE(parse_digest_challenge("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256"));
}

TEST(digest_auth, quoted_pairs_are_unescaped) {
    const auto p = parse_auth_params(R"(realm="a \"quoted\" realm", nonce=n1 ,  qop="auth")");
    EXPECT_EQ(p.at("realm"), "a \"quoted\" realm");
    EXPECT_EQ(p.at("nonce"), "n1");
    EXPECT_EQ(p.at("qop"), "auth");
}

TEST(digest_auth, authorization_header_round_trips_through_a_verifier) {
    digest_challenge c;
    c.realm = "testrealm@host.com";
    c.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
    c.opaque = "5ccc069c403ebaf9f0171e9517f40e41";
    c.qop_auth = true;
    const std::string h = digest_authorization(c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1, "0a4f113b");
    ASSERT_EQ(h.rfind("Digest ", 0), 0U);
    const auto p = parse_auth_params(std::string_view(h).substr(7));
    EXPECT_EQ(p.at("username"), "Mufasa");
    EXPECT_EQ(p.at("nc"), "00000001");
    EXPECT_EQ(p.at("cnonce"), "0a4f113b");
    EXPECT_EQ(p.at("opaque"), c.opaque);
    EXPECT_EQ(p.at("response"), "6629fae49393a05397450978507c4ef1");
    EXPECT_EQ(h.find("Circle"), std::string::npos) << "the password must never appear in the header";
}

TEST(digest_auth, legacy_form_without_qop) {
    digest_challenge c;
    c.realm = "r";
    c.nonce = "n";
    const std::string h = digest_authorization(c, "u", "p", "GET", "/x", 1, "cn");
    const auto p = parse_auth_params(std::string_view(h).substr(7));
    EXPECT_EQ(p.count("nc"), 0U);
    // RFC 2069: response = H(H(A1):nonce:H(A2))
    const std::string expected = digest_hex("MD5", digest_hex("MD5", "u:r:p") + ":n:" + digest_hex("MD5", "GET:/x"));
    EXPECT_EQ(p.at("response"), expected);
}

TEST(digest_auth, cnonces_are_random_hex) {
    const auto a = make_cnonce();
    const auto b = make_cnonce();
    EXPECT_EQ(a.size(), 32U);
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace hearth::kit
