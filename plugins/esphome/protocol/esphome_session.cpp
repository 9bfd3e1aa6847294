// Role: implementation of the ESPHome transport state machine (esphome_session.hpp).
#include "esphome_session.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace hearth::esphome {

namespace {

constexpr std::string_view k_prologue_init = "NoiseAPIInit";
constexpr std::uint8_t k_handshake_ok = 0x00;
constexpr std::uint8_t k_handshake_refused = 0x01;

/// At most 120 printable characters of peer text.
std::string printable(std::span<const std::uint8_t> text) {
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < 120; ++i) {
        const auto c = static_cast<char>(text[i]);
        out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out;
}

}  // namespace

bytes noise_prologue(std::span<const std::uint8_t> hello_body) {
    bytes p(k_prologue_init.begin(), k_prologue_init.end());
    p.push_back(static_cast<std::uint8_t>(hello_body.size() >> 8U));
    p.push_back(static_cast<std::uint8_t>(hello_body.size() & 0xffU));
    p.insert(p.end(), hello_body.begin(), hello_body.end());
    return p;
}

std::optional<kit::chacha_key> parse_encryption_key(std::string_view base64) {
    if (base64.size() != 44) return std::nullopt;  // 32 bytes: 43 characters and one '='
    for (const char c : base64) {
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
              c == '='))
            return std::nullopt;
    }
    std::array<std::uint8_t, 34> out{};  // 44 characters decode to 33 bytes before padding is removed
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(base64.data()), 44);
    if (n != 33 || base64[43] != '=' || base64[42] == '=') return std::nullopt;
    kit::chacha_key key{};
    std::copy(out.begin(), out.begin() + 32, key.begin());
    return key;
}

session::session(role r, std::optional<kit::chacha_key> psk, std::string node_name, std::string mac)
    : role_(r),
      psk_(psk),
      node_name_(std::move(node_name)),
      mac_(std::move(mac)),
      state_(psk ? state::hello : state::ready) {}

bytes session::start() {
    if (role_ != role::client || !psk_ || state_ != state::hello || hs_) return {};
    // The client's hello is empty: prologue "NoiseAPIInit\0\0".
    const bytes prologue = noise_prologue({});
    hs_ = std::make_unique<kit::noise_nnpsk0>(kit::noise_nnpsk0::role::initiator, prologue, *psk_);
    bytes out = encode_noise_frame({});
    const auto m1 = hs_->write_message();
    bytes body{k_handshake_ok};
    body.insert(body.end(), m1->begin(), m1->end());
    const bytes frame = encode_noise_frame(body);
    out.insert(out.end(), frame.begin(), frame.end());
    return out;
}

void session::fail(feed_result& r, session_error e, std::string detail) {
    state_ = state::failed;
    buf_.clear();
    r.error = e;
    r.detail = std::move(detail);
}

feed_result session::feed(std::span<const std::uint8_t> chunk) {
    feed_result r;
    if (state_ == state::failed) {
        r.error = session_error::protocol;
        r.detail = "the session already failed";
        return r;
    }
    buf_.insert(buf_.end(), chunk.begin(), chunk.end());
    if (psk_) {
        noise_frames(r);
    } else {
        plain_frames(r);
    }
    if (r.error == session_error::none && buf_.size() > k_max_buffer)
        fail(r, session_error::framing, "receive buffer above its limit");
    return r;
}

void session::plain_frames(feed_result& r) {
    std::size_t used = 0;
    while (state_ == state::ready) {
        const split_frame f = next_plain_frame(std::span(buf_).subspan(used));
        if (f.error == frame_error::incomplete) break;
        if (f.error != frame_error::none) {
            if (f.error == frame_error::bad_indicator && f.indicator == k_noise_indicator) {
                return fail(r, session_error::requires_encryption,
                            role_ == role::client ? "the device requires encryption (set encryption_key)"
                                                  : "the client speaks Noise but this node is plaintext");
            }
            return fail(r, session_error::framing, std::string(describe(f.error)));
        }
        const auto body = std::span(buf_).subspan(used + f.body_offset, f.body_size);
        r.messages.push_back({f.type, bytes(body.begin(), body.end())});
        used += f.size;
    }
    if (state_ != state::failed) buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(used));
}

void session::noise_frames(feed_result& r) {
    std::size_t used = 0;
    while (state_ != state::failed) {
        const split_frame f = next_noise_frame(std::span(buf_).subspan(used));
        if (f.error == frame_error::incomplete) break;
        if (f.error != frame_error::none) {
            if (f.error == frame_error::bad_indicator && f.indicator == k_plain_indicator) {
                if (role_ == role::server) {
                    // Like a device: an explicit refusal the plaintext client can recognise.
                    static constexpr std::string_view k_reason =
                        "\x01"
                        "Bad indicator byte";
                    const bytes frame = encode_noise_frame(
                        std::span(reinterpret_cast<const std::uint8_t*>(k_reason.data()), k_reason.size()));
                    r.reply.insert(r.reply.end(), frame.begin(), frame.end());
                }
                return fail(r, session_error::not_encrypted,
                            role_ == role::client ? "the device does not use encryption (remove encryption_key)"
                                                  : "the client speaks plaintext but this node requires encryption");
            }
            return fail(r, session_error::framing, std::string(describe(f.error)));
        }
        const bytes body(buf_.begin() + static_cast<std::ptrdiff_t>(used + f.body_offset),
                         buf_.begin() + static_cast<std::ptrdiff_t>(used + f.body_offset + f.body_size));
        used += f.size;
        noise_frame(body, r);
    }
    if (state_ != state::failed) buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(used));
}

void session::noise_frame(std::span<const std::uint8_t> body, feed_result& r) {
    if (state_ == state::ready) {
        const auto plain = transport_.receive.decrypt({}, body);
        if (!plain) return fail(r, session_error::decrypt_failed, "an encrypted message did not authenticate");
        const auto msg = decode_noise_plain(*plain);
        if (!msg) return fail(r, session_error::framing, "an encrypted message is shorter than its header says");
        r.messages.push_back({msg->type, bytes(msg->payload.begin(), msg->payload.end())});
        return;
    }
    if (role_ == role::server) {
        if (state_ == state::hello) {
            // The client hello: its body is in the prologue; answer with our hello.
            hs_ = std::make_unique<kit::noise_nnpsk0>(kit::noise_nnpsk0::role::responder, noise_prologue(body), *psk_);
            bytes hello{0x01};
            hello.insert(hello.end(), node_name_.begin(), node_name_.end());
            hello.push_back(0);
            hello.insert(hello.end(), mac_.begin(), mac_.end());
            hello.push_back(0);
            const bytes frame = encode_noise_frame(hello);
            r.reply.insert(r.reply.end(), frame.begin(), frame.end());
            state_ = state::handshake;
            return;
        }
        const auto refuse = [&](std::string_view reason) {
            bytes b{k_handshake_refused};
            b.insert(b.end(), reason.begin(), reason.end());
            const bytes frame = encode_noise_frame(b);
            r.reply.insert(r.reply.end(), frame.begin(), frame.end());
        };
        if (body.empty() || body[0] != k_handshake_ok) {
            refuse("Bad handshake error byte");
            return fail(r, session_error::protocol, "the client's handshake frame has a bad status byte");
        }
        if (!hs_->read_message(body.subspan(1))) {
            refuse("Handshake MAC failure");
            return fail(r, session_error::handshake_failed, "the client's handshake did not authenticate (wrong key?)");
        }
        const auto m2 = hs_->write_message();
        if (!m2) {
            refuse("Handshake error");
            return fail(r, session_error::handshake_failed, "the handshake could not be completed");
        }
        bytes b{k_handshake_ok};
        b.insert(b.end(), m2->begin(), m2->end());
        const bytes frame = encode_noise_frame(b);
        r.reply.insert(r.reply.end(), frame.begin(), frame.end());
        transport_ = hs_->split();
        hs_.reset();
        state_ = state::ready;
        r.became_ready = true;
        return;
    }
    // Client.
    if (!hs_) return fail(r, session_error::protocol, "a frame before the client started");
    if (state_ == state::hello) {
        if (body.empty() || body[0] != 0x01) {
            return fail(r, session_error::protocol,
                        "the device chose an unknown encryption protocol " +
                            (body.empty() ? std::string("(none)") : std::to_string(body[0])));
        }
        const auto rest = body.subspan(1);
        const auto name_end = std::find(rest.begin(), rest.end(), std::uint8_t{0});
        node_name_ = printable(std::span(rest.begin(), name_end));
        if (name_end != rest.end()) {
            const auto mac_begin = name_end + 1;
            const auto mac_end = std::find(mac_begin, rest.end(), std::uint8_t{0});
            mac_ = printable(std::span(mac_begin, mac_end));
        }
        state_ = state::handshake;
        return;
    }
    if (body.empty()) return fail(r, session_error::protocol, "an empty handshake frame");
    if (body[0] != k_handshake_ok) {
        return fail(r, session_error::handshake_rejected,
                    "the device refused the handshake: " + printable(body.subspan(1)) + " (wrong encryption_key?)");
    }
    if (!hs_->read_message(body.subspan(1))) {
        return fail(r, session_error::handshake_failed,
                    "the device's handshake did not authenticate (wrong encryption_key?)");
    }
    transport_ = hs_->split();
    hs_.reset();
    state_ = state::ready;
    r.became_ready = true;
}

bytes session::encode(std::uint32_t type, std::span<const std::uint8_t> payload) {
    if (state_ != state::ready) return {};
    if (!psk_) return encode_plain(type, payload);
    if (type > 0xffffU || payload.size() > k_max_noise_payload) return {};
    const auto sealed = transport_.send.encrypt({}, encode_noise_plain(static_cast<std::uint16_t>(type), payload));
    if (!sealed) return {};
    return encode_noise_frame(*sealed);
}

}  // namespace hearth::esphome
