// Role: the 3.4/3.5 session key negotiation of the Tuya LAN protocol (pure functions; both sides):
//   1. client -> SESS_KEY_NEG_START: its 16-byte local nonce (under the local key);
//   2. device -> SESS_KEY_NEG_RESP: its 16-byte remote nonce || HMAC-SHA256(local key, local nonce);
//   3. client -> SESS_KEY_NEG_FINISH: HMAC-SHA256(local key, remote nonce);
//   session key = AES-128-ECB(local key, local nonce XOR remote nonce) in 3.4, and in 3.5 the 16
//   ciphertext bytes of AES-128-GCM(local key, IV = first 12 bytes of the local nonce) of the XOR.
// The HMACs prove each side holds the local key; a mismatch means a wrong key (or an attacker).
#pragma once

#include "tuya_channel.hpp"

namespace hearth::tuya {

using nonce = std::array<std::uint8_t, 16>;

/// 16 random bytes (OpenSSL RAND_bytes).
nonce random_nonce();

/// The device's SESS_KEY_NEG_RESP payload: remote nonce || HMAC(local key, client nonce).
bytes neg_resp_payload(const kit::aes128_key& local_key, const nonce& remote, const nonce& client);
/// Checks a SESS_KEY_NEG_RESP payload against the client's nonce; the device's nonce when the HMAC
/// proves the device holds the local key, nothing when it is short or the HMAC differs.
std::optional<nonce> check_neg_resp(const kit::aes128_key& local_key, const nonce& client,
                                    std::span<const std::uint8_t> payload);
/// The client's SESS_KEY_NEG_FINISH payload: HMAC(local key, remote nonce).
kit::sha256_digest neg_finish_payload(const kit::aes128_key& local_key, const nonce& remote);
/// True when a SESS_KEY_NEG_FINISH payload proves the client holds the local key.
bool check_neg_finish(const kit::aes128_key& local_key, const nonce& remote, std::span<const std::uint8_t> payload);
/// The first 16 bytes of a SESS_KEY_NEG_START payload as the client nonce; nothing when shorter.
std::optional<nonce> client_nonce_of(std::span<const std::uint8_t> payload);

/// The session key both sides derive (3.4 or 3.5; for 3.3 the local key is returned unchanged).
kit::aes128_key derive_session_key(protocol_version v, const kit::aes128_key& local_key, const nonce& local,
                                   const nonce& remote);

}  // namespace hearth::tuya
