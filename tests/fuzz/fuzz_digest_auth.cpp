// Fuzz target: HTTP Digest authentication as the camera client meets it
// (include/hearth/kit/digest_auth.hpp): the WWW-Authenticate header of a 401 answer, then the
// Authorization header computed from whatever challenge was accepted. Input: the header value.
// Checks: an accepted challenge has a nonce and a supported algorithm; the Authorization header
// can always be built from it (digest_response must not throw) and echoes realm and nonce intact.
#include <hearth/kit/digest_auth.hpp>
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    const std::string_view header(reinterpret_cast<const char*>(data), size);
    (void)hearth::kit::parse_auth_params(header);
    const auto challenge = hearth::kit::parse_digest_challenge(header);
    if (!challenge) return 0;
    check(!challenge->nonce.empty(), "a challenge without a nonce");
    check(hearth::kit::digest_algorithm_supported(challenge->algorithm), "an unsupported algorithm accepted");
    const std::string authorization = hearth::kit::digest_authorization(
        *challenge, "admin", "secret", "GET", "/ISAPI/Streaming/channels/101/picture", 1, "0a4f113b");
    check(authorization.rfind("Digest ", 0) == 0, "Authorization does not start with Digest");
    // The header is sent back to the camera: it must parse as a parameter list again.
    const auto params = hearth::kit::parse_auth_params(std::string_view(authorization).substr(7));
    check(params.count("response") == 1, "Authorization without a response");
    check(params.count("nonce") == 1 && params.at("nonce") == challenge->nonce, "the nonce is not echoed intact");
    check(params.count("realm") == 1 && params.at("realm") == challenge->realm, "the realm is not echoed intact");
    return 0;
}
