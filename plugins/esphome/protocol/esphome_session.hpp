// Role: one side (client or server) of an ESPHome native API connection's transport, as a pure
// state machine shared by the driver, the simulator and the fuzz target: bytes in (feed), whole
// messages and handshake replies out, messages to frames (encode). Plaintext needs no handshake.
// Noise (Noise_NNpsk0_25519_ChaChaPoly_SHA256, PSK = the 32-byte api.encryption.key):
//   client -> 0x01 0x00 0x00                       hello (empty; its length and body join the prologue)
//   client -> frame[0x00, noise message 1]         sent together with the hello
//   server -> frame[0x01, node name, 0, mac, 0]    server hello: the chosen protocol (1)
//   server -> frame[0x00, noise message 2]         or frame[0x01, reason] when it refuses
// with prologue "NoiseAPIInit" + uint16 BE hello length + hello body. Every error is a value
// (never a throw on input) and ends the session: the caller closes the connection.
#pragma once

#include "esphome_frame.hpp"

#include <hearth/kit/noise.hpp>

#include <memory>
#include <string>

namespace hearth::esphome {

struct api_message {
    std::uint32_t type = 0;
    bytes payload;
};

/// Why a session ended.
enum class session_error {
    none,
    framing,              ///< unframeable stream (bad indicator, varint, size)
    requires_encryption,  ///< a plaintext client met a Noise server
    not_encrypted,        ///< a Noise client met a plaintext server
    handshake_rejected,   ///< the server refused the handshake (typically a wrong key)
    handshake_failed,     ///< the peer's handshake message did not authenticate (wrong key)
    decrypt_failed,       ///< an encrypted message did not authenticate
    protocol,             ///< anything else out of order
};

struct feed_result {
    std::vector<api_message> messages;
    bytes reply;                ///< handshake bytes to send now
    bool became_ready = false;  ///< the handshake finished during this feed
    session_error error = session_error::none;
    std::string detail;  ///< human text for the error (never a key)
};

class session {
public:
    enum class role { client, server };
    static constexpr std::size_t k_max_buffer = 3 * (k_max_plain_payload + 16);

    /// Without a PSK the session is plaintext. `node_name`/`mac` are the server's hello.
    session(role r, std::optional<kit::chacha_key> psk, std::string node_name = {}, std::string mac = {});

    /// Client: the bytes to send right after connecting (Noise hello + handshake; nothing in
    /// plaintext).
    [[nodiscard]] bytes start();
    /// Consumes received bytes.
    feed_result feed(std::span<const std::uint8_t> chunk);
    /// One message as bytes to send; empty while not ready or after an error.
    [[nodiscard]] bytes encode(std::uint32_t type, std::span<const std::uint8_t> payload);
    /// Messages can flow (plaintext, or Noise after the handshake).
    [[nodiscard]] bool ready() const noexcept { return state_ == state::ready; }
    [[nodiscard]] bool encrypted() const noexcept { return psk_.has_value(); }
    /// The node name and MAC the server announced in its Noise hello (client side).
    [[nodiscard]] const std::string& server_name() const noexcept { return node_name_; }
    [[nodiscard]] const std::string& server_mac() const noexcept { return mac_; }

private:
    enum class state { hello, handshake, ready, failed };
    void plain_frames(feed_result& r);
    void noise_frames(feed_result& r);
    void noise_frame(std::span<const std::uint8_t> body, feed_result& r);
    void fail(feed_result& r, session_error e, std::string detail);

    role role_;
    std::optional<kit::chacha_key> psk_;
    std::string node_name_;
    std::string mac_;
    state state_;
    bytes buf_;
    std::unique_ptr<kit::noise_nnpsk0> hs_;
    kit::noise_transport transport_;
};

/// The Noise prologue for a client hello body.
[[nodiscard]] bytes noise_prologue(std::span<const std::uint8_t> hello_body);
/// Parses a base64 api.encryption.key; nothing unless it decodes to exactly 32 bytes.
[[nodiscard]] std::optional<kit::chacha_key> parse_encryption_key(std::string_view base64);

}  // namespace hearth::esphome
