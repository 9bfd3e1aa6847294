// Role: implementation of the Tuya 3.4/3.5 session key negotiation (tuya_session.hpp).
#include "tuya_session.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace hearth::tuya {

nonce random_nonce() {
    nonce n{};
    if (RAND_bytes(n.data(), static_cast<int>(n.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    return n;
}

bytes neg_resp_payload(const kit::aes128_key& local_key, const nonce& remote, const nonce& client) {
    bytes out(remote.begin(), remote.end());
    const auto mac = kit::hmac_sha256(local_key, client);
    out.insert(out.end(), mac.begin(), mac.end());
    return out;
}

std::optional<nonce> check_neg_resp(const kit::aes128_key& local_key, const nonce& client,
                                    std::span<const std::uint8_t> payload) {
    if (payload.size() < 48) return std::nullopt;
    if (!kit::constant_time_equal(payload.subspan(16, 32), kit::hmac_sha256(local_key, client))) return std::nullopt;
    nonce remote{};
    std::copy(payload.begin(), payload.begin() + 16, remote.begin());
    return remote;
}

kit::sha256_digest neg_finish_payload(const kit::aes128_key& local_key, const nonce& remote) {
    return kit::hmac_sha256(local_key, remote);
}

bool check_neg_finish(const kit::aes128_key& local_key, const nonce& remote, std::span<const std::uint8_t> payload) {
    return payload.size() >= 32 && kit::constant_time_equal(payload.first(32), kit::hmac_sha256(local_key, remote));
}

std::optional<nonce> client_nonce_of(std::span<const std::uint8_t> payload) {
    if (payload.size() < 16) return std::nullopt;
    nonce n{};
    std::copy(payload.begin(), payload.begin() + 16, n.begin());
    return n;
}

kit::aes128_key derive_session_key(protocol_version v, const kit::aes128_key& local_key, const nonce& local,
                                   const nonce& remote) {
    if (v == protocol_version::v33) return local_key;
    nonce mixed{};
    for (std::size_t i = 0; i < mixed.size(); ++i) mixed[i] = local[i] ^ remote[i];
    kit::aes128_key out{};
    if (v == protocol_version::v34) {
        const auto cipher = kit::aes128_ecb_encrypt(local_key, mixed, false);  // 16 bytes in, 16 out
        std::copy(cipher->begin(), cipher->begin() + 16, out.begin());
    } else {
        iv_bytes iv{};
        std::copy(local.begin(), local.begin() + 12, iv.begin());
        const auto sealed = kit::aes128_gcm_encrypt(local_key, iv, {}, mixed);
        std::copy(sealed.cipher.begin(), sealed.cipher.begin() + 16, out.begin());
    }
    return out;
}

}  // namespace hearth::tuya
