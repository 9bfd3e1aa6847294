// Role: implementation of include/hearth/kit/noise.hpp over OpenSSL 3 (X25519, ChaCha20-Poly1305,
// SHA-256) and kit::hmac_sha256, following the Noise spec's SymmetricState/HandshakeState rules.
#include <hearth/kit/noise.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

namespace hearth::kit {

namespace {

constexpr std::size_t k_tag = 16;

struct pkey_free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct pkey_ctx_free {
    void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct cipher_ctx_free {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using pkey = std::unique_ptr<EVP_PKEY, pkey_free>;
using pkey_ctx = std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free>;
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_free>;

std::array<std::uint8_t, 12> nonce_of(std::uint64_t n) {
    std::array<std::uint8_t, 12> iv{};
    for (int i = 0; i < 8; ++i) iv[4 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
    return iv;
}

int to_int(std::size_t n) {
    if (n > static_cast<std::size_t>(std::numeric_limits<int>::max() - 64))
        throw std::length_error("noise input too large");
    return static_cast<int>(n);
}

/// Noise's HKDF with SHA-256: `count` (2 or 3) outputs from chaining key `ck` and `ikm`.
std::array<sha256_digest, 3> hkdf(const sha256_digest& ck, std::span<const std::uint8_t> ikm, int count) {
    const sha256_digest temp = hmac_sha256(ck, ikm);
    std::array<sha256_digest, 3> out{};
    const std::uint8_t one = 1;
    out[0] = hmac_sha256(temp, std::span<const std::uint8_t>(&one, 1));
    std::array<std::uint8_t, 33> buf{};
    for (int i = 1; i < count; ++i) {
        const auto idx = static_cast<std::size_t>(i);
        std::copy(out[idx - 1].begin(), out[idx - 1].end(), buf.begin());
        buf[32] = static_cast<std::uint8_t>(i + 1);
        out[idx] = hmac_sha256(temp, buf);
    }
    return out;
}

}  // namespace

x25519_keypair x25519_from_private(const x25519_key& private_key) {
    pkey k(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), private_key.size()));
    if (!k) throw std::runtime_error("X25519 key setup failed");
    x25519_keypair out;
    out.private_key = private_key;
    std::size_t len = out.public_key.size();
    if (EVP_PKEY_get_raw_public_key(k.get(), out.public_key.data(), &len) != 1 || len != out.public_key.size())
        throw std::runtime_error("X25519 public key derivation failed");
    return out;
}

x25519_keypair x25519_generate() {
    x25519_key priv{};
    if (RAND_bytes(priv.data(), static_cast<int>(priv.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    auto out = x25519_from_private(priv);
    OPENSSL_cleanse(priv.data(), priv.size());
    return out;
}

std::optional<x25519_key> x25519_shared(const x25519_key& private_key, const x25519_key& peer_public) {
    pkey mine(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), private_key.size()));
    pkey peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer_public.data(), peer_public.size()));
    if (!mine || !peer) return std::nullopt;
    pkey_ctx ctx(EVP_PKEY_CTX_new(mine.get(), nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1)
        return std::nullopt;
    x25519_key out{};
    std::size_t len = out.size();
    // OpenSSL refuses an all-zero result (a low-order peer point).
    if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1 || len != out.size()) return std::nullopt;
    return out;
}

byte_vector chachapoly_seal(const chacha_key& key, std::uint64_t n, std::span<const std::uint8_t> ad,
                            std::span<const std::uint8_t> plain) {
    cipher_ctx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw std::bad_alloc();
    const auto iv = nonce_of(n);
    byte_vector out(plain.size() + k_tag);
    int len = 0;
    int fin = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, key.data(), iv.data()) != 1 ||
        (!ad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, ad.data(), to_int(ad.size())) != 1) ||
        EVP_EncryptUpdate(ctx.get(), out.data(), &len, plain.data(), to_int(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(k_tag), out.data() + plain.size()) != 1)
        throw std::runtime_error("ChaCha20-Poly1305 encryption failed");
    return out;
}

std::optional<byte_vector> chachapoly_open(const chacha_key& key, std::uint64_t n, std::span<const std::uint8_t> ad,
                                           std::span<const std::uint8_t> sealed) {
    if (sealed.size() < k_tag) return std::nullopt;
    cipher_ctx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw std::bad_alloc();
    const auto iv = nonce_of(n);
    const std::size_t body = sealed.size() - k_tag;
    std::array<std::uint8_t, k_tag> tag{};
    std::copy(sealed.begin() + static_cast<std::ptrdiff_t>(body), sealed.end(), tag.begin());
    byte_vector out(body + 1);  // never a zero-size buffer for OpenSSL
    int len = 0;
    int fin = 0;
    if (EVP_DecryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, key.data(), iv.data()) != 1 ||
        (!ad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, ad.data(), to_int(ad.size())) != 1) ||
        EVP_DecryptUpdate(ctx.get(), out.data(), &len, sealed.data(), to_int(body)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(k_tag), tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1)
        return std::nullopt;
    out.resize(body);
    return out;
}

sha256_digest sha256(std::span<const std::uint8_t> data) {
    sha256_digest out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 || len != out.size())
        throw std::runtime_error("SHA-256 failed");
    return out;
}

std::optional<byte_vector> noise_cipher::encrypt(std::span<const std::uint8_t> ad,
                                                 std::span<const std::uint8_t> plain) {
    if (!has_key_) return byte_vector(plain.begin(), plain.end());
    if (n_ == std::numeric_limits<std::uint64_t>::max()) return std::nullopt;  // reserved nonce
    return chachapoly_seal(key_, n_++, ad, plain);
}

std::optional<byte_vector> noise_cipher::decrypt(std::span<const std::uint8_t> ad,
                                                 std::span<const std::uint8_t> sealed) {
    if (!has_key_) return byte_vector(sealed.begin(), sealed.end());
    if (n_ == std::numeric_limits<std::uint64_t>::max()) return std::nullopt;
    auto plain = chachapoly_open(key_, n_, ad, sealed);
    if (plain) ++n_;
    return plain;
}

noise_nnpsk0::noise_nnpsk0(role r, std::span<const std::uint8_t> prologue, const chacha_key& psk,
                           std::optional<x25519_key> ephemeral)
    : role_(r), psk_(psk), e_(ephemeral ? x25519_from_private(*ephemeral) : x25519_generate()) {
    // The name is longer than HASHLEN (36 > 32 bytes): h = SHA-256(name).
    h_ = sha256(as_bytes(protocol_name));
    ck_ = h_;
    mix_hash(prologue);
}

void noise_nnpsk0::mix_hash(std::span<const std::uint8_t> data) {
    byte_vector buf(h_.begin(), h_.end());
    buf.insert(buf.end(), data.begin(), data.end());
    h_ = sha256(buf);
}

void noise_nnpsk0::mix_key(std::span<const std::uint8_t> ikm) {
    const auto out = hkdf(ck_, ikm, 2);
    ck_ = out[0];
    cipher_ = noise_cipher(out[1]);
}

void noise_nnpsk0::mix_key_and_hash(std::span<const std::uint8_t> ikm) {
    const auto out = hkdf(ck_, ikm, 3);
    ck_ = out[0];
    mix_hash(out[1]);
    cipher_ = noise_cipher(out[2]);
}

std::optional<byte_vector> noise_nnpsk0::encrypt_and_hash(std::span<const std::uint8_t> plain) {
    auto sealed = cipher_.encrypt(h_, plain);
    if (sealed) mix_hash(*sealed);
    return sealed;
}

std::optional<byte_vector> noise_nnpsk0::decrypt_and_hash(std::span<const std::uint8_t> sealed) {
    auto plain = cipher_.decrypt(h_, sealed);
    if (plain) mix_hash(sealed);
    return plain;
}

bool noise_nnpsk0::my_turn() const noexcept {
    if (failed_ || step_ >= 2) return false;
    return (step_ == 0) == (role_ == role::initiator);
}

std::optional<byte_vector> noise_nnpsk0::write_message(std::span<const std::uint8_t> payload) {
    if (!my_turn()) return std::nullopt;
    byte_vector msg(e_.public_key.begin(), e_.public_key.end());
    if (step_ == 0) {
        // -> psk, e
        mix_key_and_hash(psk_);
        mix_hash(e_.public_key);
        mix_key(e_.public_key);  // psk modifier: "e" also mixes the key
    } else {
        // <- e, ee
        mix_hash(e_.public_key);
        mix_key(e_.public_key);
        const auto dh = x25519_shared(e_.private_key, re_);
        if (!dh) {
            failed_ = true;
            return std::nullopt;
        }
        mix_key(*dh);
    }
    auto sealed = encrypt_and_hash(payload);
    if (!sealed) {
        failed_ = true;
        return std::nullopt;
    }
    msg.insert(msg.end(), sealed->begin(), sealed->end());
    ++step_;
    return msg;
}

std::optional<byte_vector> noise_nnpsk0::read_message(std::span<const std::uint8_t> message) {
    if (failed_ || step_ >= 2 || my_turn()) return std::nullopt;
    // e (32 bytes) and at least the payload's tag: the cipher is keyed in both messages.
    if (message.size() < re_.size() + k_tag) {
        failed_ = true;
        return std::nullopt;
    }
    std::copy(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(re_.size()), re_.begin());
    if (step_ == 0) {
        mix_key_and_hash(psk_);
        mix_hash(re_);
        mix_key(re_);
    } else {
        mix_hash(re_);
        mix_key(re_);
        const auto dh = x25519_shared(e_.private_key, re_);
        if (!dh) {
            failed_ = true;
            return std::nullopt;
        }
        mix_key(*dh);
    }
    auto payload = decrypt_and_hash(message.subspan(re_.size()));
    if (!payload) {
        failed_ = true;
        return std::nullopt;
    }
    ++step_;
    return payload;
}

noise_transport noise_nnpsk0::split() const {
    if (!finished()) throw std::logic_error("noise split before the handshake finished");
    const auto out = hkdf(ck_, {}, 2);
    noise_transport t;
    const bool initiator = role_ == role::initiator;
    t.send = noise_cipher(initiator ? out[0] : out[1]);
    t.receive = noise_cipher(initiator ? out[1] : out[0]);
    return t;
}

}  // namespace hearth::kit
