// Role: the Noise Protocol Framework pieces encrypted LAN protocols need (ESPHome's native API,
// and any later one): X25519, ChaCha20-Poly1305 with Noise's nonce layout, the CipherState, and
// the NNpsk0 handshake (Noise_NNpsk0_25519_ChaChaPoly_SHA256: `-> psk, e` / `<- e, ee`) for
// either role, on OpenSSL 3 primitives and the HKDF/MixKey/MixHash rules of the Noise spec
// (revision 34). Everything taking peer bytes reports failure as an empty optional (bad length,
// bad tag, low-order point), never by throwing, so untrusted frames can be fed directly. Keys
// never appear in any text.
#pragma once

#include <hearth/kit/crypto.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

namespace hearth::kit {

using x25519_key = std::array<std::uint8_t, 32>;
using chacha_key = std::array<std::uint8_t, 32>;

/// An X25519 key pair (raw 32-byte private scalar and public u-coordinate).
struct x25519_keypair {
    x25519_key private_key{};
    x25519_key public_key{};
};

/// A fresh random X25519 key pair.
x25519_keypair x25519_generate();
/// The key pair of a given private key (test vectors, fixed ephemerals in tests).
x25519_keypair x25519_from_private(const x25519_key& private_key);
/// X25519(private, peer public); nothing for a low-order peer point (all-zero shared secret).
std::optional<x25519_key> x25519_shared(const x25519_key& private_key, const x25519_key& peer_public);

/// ChaCha20-Poly1305 (RFC 8439) with Noise's nonce: 4 zero bytes then `n` little-endian.
/// The result is the ciphertext followed by the 16-byte tag.
byte_vector chachapoly_seal(const chacha_key& key, std::uint64_t n, std::span<const std::uint8_t> ad,
                            std::span<const std::uint8_t> plain);
/// Opens what chachapoly_seal made; nothing when shorter than a tag or the tag does not verify.
std::optional<byte_vector> chachapoly_open(const chacha_key& key, std::uint64_t n, std::span<const std::uint8_t> ad,
                                           std::span<const std::uint8_t> sealed);

/// SHA-256 of `data`.
sha256_digest sha256(std::span<const std::uint8_t> data);

/// A Noise CipherState: a key (or none) and a 64-bit nonce counting messages.
class noise_cipher {
public:
    noise_cipher() = default;
    explicit noise_cipher(const chacha_key& key) : key_(key), has_key_(true) {}
    [[nodiscard]] bool has_key() const noexcept { return has_key_; }
    /// EncryptWithAd: sealed text (plaintext itself without a key); nothing once the nonce is
    /// exhausted.
    std::optional<byte_vector> encrypt(std::span<const std::uint8_t> ad, std::span<const std::uint8_t> plain);
    /// DecryptWithAd: the plaintext, or nothing (bad tag, too short, nonce exhausted). The nonce
    /// advances only on success.
    std::optional<byte_vector> decrypt(std::span<const std::uint8_t> ad, std::span<const std::uint8_t> sealed);

private:
    chacha_key key_{};
    std::uint64_t n_ = 0;
    bool has_key_ = false;
};

/// The two transport CipherStates of a finished handshake, seen from one side.
struct noise_transport {
    noise_cipher send;
    noise_cipher receive;
};

/// Noise_NNpsk0_25519_ChaChaPoly_SHA256 handshake state for one side.
/// Initiator: write_message() then read_message(). Responder: read_message() then write_message().
class noise_nnpsk0 {
public:
    enum class role { initiator, responder };
    static constexpr const char* protocol_name = "Noise_NNpsk0_25519_ChaChaPoly_SHA256";

    /// `ephemeral` fixes the ephemeral key (test vectors only); random otherwise.
    noise_nnpsk0(role r, std::span<const std::uint8_t> prologue, const chacha_key& psk,
                 std::optional<x25519_key> ephemeral = std::nullopt);

    /// The next handshake message carrying `payload`; nothing when it is not this side's turn.
    std::optional<byte_vector> write_message(std::span<const std::uint8_t> payload = {});
    /// Consumes the peer's handshake message; its payload, or nothing when it is malformed, does
    /// not authenticate (wrong PSK or prologue) or it is not the peer's turn. A failed handshake
    /// cannot continue.
    std::optional<byte_vector> read_message(std::span<const std::uint8_t> message);
    /// Both messages are through: split() may be called.
    [[nodiscard]] bool finished() const noexcept { return step_ == 2 && !failed_; }
    [[nodiscard]] bool failed() const noexcept { return failed_; }
    /// The transport ciphers for this side (send, receive); requires finished().
    [[nodiscard]] noise_transport split() const;
    /// h after the handshake (channel binding; tests compare both sides).
    [[nodiscard]] const sha256_digest& handshake_hash() const noexcept { return h_; }

private:
    void mix_hash(std::span<const std::uint8_t> data);
    void mix_key(std::span<const std::uint8_t> ikm);
    void mix_key_and_hash(std::span<const std::uint8_t> ikm);
    std::optional<byte_vector> encrypt_and_hash(std::span<const std::uint8_t> plain);
    std::optional<byte_vector> decrypt_and_hash(std::span<const std::uint8_t> sealed);
    [[nodiscard]] bool my_turn() const noexcept;

    role role_;
    chacha_key psk_{};
    x25519_keypair e_{};
    x25519_key re_{};
    sha256_digest h_{};
    sha256_digest ck_{};
    noise_cipher cipher_;
    int step_ = 0;  ///< messages processed (0, 1, 2)
    bool failed_ = false;
};

}  // namespace hearth::kit
