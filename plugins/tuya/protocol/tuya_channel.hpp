// Role: the payload layer of one Tuya LAN connection (pure, no sockets): which key a command uses,
// the version header ("3.x" + 12 zero bytes) rules per command, AES-128-ECB payloads (3.3 with the
// local key, 3.4 with the session key) and the 3.5 GCM frames. Both the driver (client side) and
// the simulator (device side) encode and decode through a channel.
//
// Rules, as the reference clients (tuyapi, tinytuya) implement them:
//   - the version header is added to every command except DP_QUERY, DP_QUERY_NEW, UPDATEDPS,
//     HEART_BEAT, LAN_EXT_STREAM and the three session-key commands; in 3.3 it precedes the ECB
//     ciphertext, in 3.4/3.5 it is encrypted with the payload. Decoding accepts a payload with or
//     without it (devices differ).
//   - 3.4/3.5 use the local key for SESS_KEY_NEG_* and until a session key is set; the session key
//     for everything else. 3.3 always uses the local key.
//   - an empty payload stays empty (acknowledgements), it is not encrypted.
#pragma once

#include "tuya_frame.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace hearth::tuya {

/// The protocol versions Hearth speaks.
enum class protocol_version { v33, v34, v35 };
/// "3.3", "3.4" or "3.5" to a version; nothing otherwise.
std::optional<protocol_version> parse_version(std::string_view text);
/// The version's text ("3.3", ...).
const char* version_text(protocol_version v);

/// A local key is the 16-character string from the Tuya cloud, used as raw AES key bytes.
/// Nothing unless exactly 16 bytes. The key is never echoed.
std::optional<kit::aes128_key> parse_local_key(std::string_view text);

/// True when frames of command `command` carry the version header.
bool needs_version_header(std::uint32_t command);
/// True for SESS_KEY_NEG_START/RESP/FINISH.
bool is_negotiation(std::uint32_t command);

/// A decoded (or to-be-encoded) message: frame fields with the plaintext payload.
struct message {
    std::uint32_t seq = 0;
    std::uint32_t cmd = 0;
    std::optional<std::uint32_t> retcode;
    bytes payload;  ///< plaintext (JSON text, a nonce, an HMAC, or empty)
};

/// Result of decoding a frame into a message; `error` is key-free text when `value` is empty.
struct message_result {
    std::optional<message> value;
    std::string error;
};

/// One connection's keys and version.
class channel {
public:
    channel(protocol_version v, const kit::aes128_key& local_key) : version_(v), local_key_(local_key) {}

    /// The protocol version.
    protocol_version version() const { return version_; }
    /// Sets the negotiated session key (3.4/3.5); later frames use it.
    void set_session_key(const kit::aes128_key& key) { session_key_ = key; }
    /// Forgets the session key (a new connection negotiates again).
    void clear_session() { session_key_.reset(); }
    /// True once a session key is set.
    bool has_session() const { return session_key_.has_value(); }

    /// Encodes `m` into a complete frame; `iv` is used by 3.5 only.
    bytes encode(const message& m, const iv_bytes& iv) const;
    /// Encodes with a random IV.
    bytes encode(const message& m) const { return encode(m, random_iv()); }
    /// Decodes one complete frame (as split by next_frame). `from_device` recognises return codes.
    message_result decode(std::span<const std::uint8_t> frame_bytes, bool from_device) const;

private:
    const kit::aes128_key& key_for(std::uint32_t command) const;

    protocol_version version_;
    kit::aes128_key local_key_;
    std::optional<kit::aes128_key> session_key_;
};

/// The JSON text of `payload` when it is a JSON object/array text; used by both sides.
std::string payload_text(const bytes& payload);

}  // namespace hearth::tuya
