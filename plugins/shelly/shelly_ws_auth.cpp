// Role: implementation of shelly_ws_auth.hpp.
#include "shelly_ws_auth.hpp"

#include <hearth/kit/digest_auth.hpp>

namespace hearth::shelly {
namespace {

using json = nlohmann::json;

std::string response_for(const std::string& password, const std::string& realm, long long nonce, long long nc,
                         const std::string& cnonce) {
    const std::string ha1 = kit::digest_hex("SHA-256", "admin:" + realm + ":" + password);
    const std::string ha2 = kit::digest_hex("SHA-256", "dummy_method:dummy_uri");
    return kit::digest_hex(
        "SHA-256", ha1 + ":" + std::to_string(nonce) + ":" + std::to_string(nc) + ":" + cnonce + ":auth:" + ha2);
}

}  // namespace

std::optional<json> ws_challenge(const json& error) {
    if (!error.is_object()) return std::nullopt;
    auto code = error.find("code");
    auto message = error.find("message");
    if (code == error.end() || !code->is_number_integer() || code->get<long long>() != 401) return std::nullopt;
    if (message == error.end() || !message->is_string()) return std::nullopt;
    json challenge = json::parse(message->get<std::string>(), nullptr, false);
    if (!challenge.is_object()) return std::nullopt;
    return challenge;
}

std::optional<json> ws_auth(const json& challenge, const std::string& password, const std::string& cnonce) {
    auto realm = challenge.find("realm");
    auto nonce = challenge.find("nonce");
    if (realm == challenge.end() || !realm->is_string() || realm->get_ref<const std::string&>().size() > 128)
        return std::nullopt;
    if (nonce == challenge.end() || !nonce->is_number_integer()) return std::nullopt;
    if (auto alg = challenge.find("algorithm"); alg != challenge.end() && *alg != "SHA-256") return std::nullopt;
    long long nc = 1;
    if (auto n = challenge.find("nc"); n != challenge.end() && n->is_number_integer()) nc = n->get<long long>();
    const std::string r = realm->get<std::string>();
    return json{{"realm", r},
                {"username", "admin"},
                {"nonce", nonce->get<long long>()},
                {"cnonce", cnonce},
                {"response", response_for(password, r, nonce->get<long long>(), nc, cnonce)},
                {"algorithm", "SHA-256"}};
}

bool ws_auth_valid(const json& auth, const std::string& realm, long long nonce, const std::string& password) {
    if (!auth.is_object()) return false;
    auto cnonce = auth.find("cnonce");
    auto response = auth.find("response");
    if (cnonce == auth.end() || !cnonce->is_string() || response == auth.end() || !response->is_string()) return false;
    if (auth.value("realm", json()) != realm || auth.value("username", json()) != "admin") return false;
    if (auth.value("nonce", json()) != nonce) return false;
    return *response == response_for(password, realm, nonce, 1, cnonce->get<std::string>());
}

}  // namespace hearth::shelly
