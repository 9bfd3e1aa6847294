// http_client's credentials: Basic (preemptive or when challenged) and Digest (RFC 7616), the
// Digest nonce reused across requests with an increasing nonce count.
#include "http_client_impl.hpp"

#include <boost/beast/core/detail/base64.hpp>

#include <algorithm>
#include <cctype>

namespace hearth::kit {

namespace {

bool starts_with_scheme(std::string_view value, std::string_view scheme) {
    if (value.size() < scheme.size()) {
        return false;
    }
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(value[i])) != std::tolower(static_cast<unsigned char>(scheme[i]))) {
            return false;
        }
    }
    return value.size() == scheme.size() || value[scheme.size()] == ' ';
}

std::string base64(const std::string& in) {
    namespace b64 = boost::beast::detail::base64;
    std::string out(b64::encoded_size(in.size()), '\0');
    out.resize(b64::encode(out.data(), in.data(), in.size()));
    return out;
}

}  // namespace

std::string http_client::impl::authorization(const std::string& method, const std::string& target) {
    if (opt.username.empty()) {
        return {};
    }
    if (challenge && opt.auth != http_auth::basic) {
        return digest_authorization(*challenge, opt.username, opt.password, method, target, ++nc, make_cnonce());
    }
    if (opt.auth == http_auth::basic || send_basic) {
        return "Basic " + base64(opt.username + ":" + opt.password);
    }
    return {};
}

detail::auth_step http_client::impl::on_unauthorized(const boost::beast::http::fields& headers, bool& fresh) {
    if (opt.username.empty()) {
        return detail::auth_step::fail;
    }
    bool offers_basic = false;
    for (auto it = headers.find(boost::beast::http::field::www_authenticate);
         it != headers.end() && it->name() == boost::beast::http::field::www_authenticate; ++it) {
        const std::string_view value(it->value().data(), it->value().size());
        if (opt.auth != http_auth::basic) {
            if (auto c = parse_digest_challenge(value)) {
                // A challenge we have not answered within this request yet (first contact, or the
                // cached nonce expired), or one explicitly marked stale: answer it once.
                const bool retry = !fresh || c->stale;
                challenge = std::move(c);
                nc = 0;
                fresh = true;
                return retry ? detail::auth_step::retry : detail::auth_step::fail;
            }
        }
        offers_basic = offers_basic || starts_with_scheme(value, "Basic");
    }
    if (offers_basic && opt.auth == http_auth::automatic && !send_basic) {
        send_basic = true;
        challenge.reset();
        fresh = true;
        return detail::auth_step::retry;
    }
    return detail::auth_step::fail;
}

std::string http_client::impl::auth_failure(const std::string& what) const {
    if (opt.username.empty()) {
        return what + ": the device requires authentication (HTTP 401) and no username is configured";
    }
    return what + ": authentication failed for user '" + opt.username + "' (HTTP 401)";
}

}  // namespace hearth::kit
