// Role: implementation of the Tuya payload layer (tuya_channel.hpp).
#include "tuya_channel.hpp"

#include <hearth/kit/byte_order.hpp>

#include <algorithm>

namespace hearth::tuya {

namespace {

constexpr std::size_t k_version_header = 15;

bytes version_header(protocol_version v) {
    bytes h(k_version_header, 0);
    const char* text = version_text(v);
    std::copy(text, text + 3, h.begin());
    return h;
}

/// "3.<digit>" at the start of `p` (the version header of any 3.x version).
bool starts_with_version(std::span<const std::uint8_t> p) {
    return p.size() >= k_version_header && p[0] == '3' && p[1] == '.' && p[2] >= '0' && p[2] <= '9';
}

}  // namespace

std::optional<protocol_version> parse_version(std::string_view text) {
    if (text == "3.3") return protocol_version::v33;
    if (text == "3.4") return protocol_version::v34;
    if (text == "3.5") return protocol_version::v35;
    return std::nullopt;
}

const char* version_text(protocol_version v) {
    switch (v) {
    case protocol_version::v33: return "3.3";
    case protocol_version::v34: return "3.4";
    case protocol_version::v35: return "3.5";
    }
    return "3.3";
}

std::optional<kit::aes128_key> parse_local_key(std::string_view text) {
    if (text.size() != 16) return std::nullopt;
    kit::aes128_key k{};
    std::copy(text.begin(), text.end(), k.begin());
    return k;
}

bool is_negotiation(std::uint32_t command) {
    return command == cmd::sess_key_neg_start || command == cmd::sess_key_neg_resp ||
           command == cmd::sess_key_neg_finish;
}

bool needs_version_header(std::uint32_t command) {
    return !(command == cmd::dp_query || command == cmd::dp_query_new || command == cmd::update_dps ||
             command == cmd::heart_beat || command == cmd::lan_ext_stream || is_negotiation(command));
}

const kit::aes128_key& channel::key_for(std::uint32_t command) const {
    if (version_ == protocol_version::v33 || is_negotiation(command) || !session_key_) return local_key_;
    return *session_key_;
}

bytes channel::encode(const message& m, const iv_bytes& iv) const {
    frame f;
    f.seq = m.seq;
    f.cmd = m.cmd;
    f.retcode = m.retcode;
    const kit::aes128_key& key = key_for(m.cmd);
    const bool header = needs_version_header(m.cmd) && !m.payload.empty();
    switch (version_) {
    case protocol_version::v33: {
        if (!m.payload.empty()) {
            const auto cipher = kit::aes128_ecb_encrypt(key, m.payload, true);
            if (header) f.payload = version_header(version_);
            f.payload.insert(f.payload.end(), cipher->begin(), cipher->end());
        }
        return encode_55aa(f, trailer::crc32);
    }
    case protocol_version::v34: {
        if (!m.payload.empty()) {
            bytes plain = header ? version_header(version_) : bytes{};
            plain.insert(plain.end(), m.payload.begin(), m.payload.end());
            f.payload = *kit::aes128_ecb_encrypt(key, plain, true);
        }
        return encode_55aa(f, trailer::hmac_sha256, key);
    }
    case protocol_version::v35: {
        f.payload = header ? version_header(version_) : bytes{};
        f.payload.insert(f.payload.end(), m.payload.begin(), m.payload.end());
        return encode_6699(f, key, iv);
    }
    }
    return {};
}

message_result channel::decode(std::span<const std::uint8_t> frame_bytes, bool from_device) const {
    message_result r;
    const std::size_t cmd_offset = version_ == protocol_version::v35 ? 10 : 8;
    const auto command = kit::read_be32(frame_bytes, cmd_offset);
    if (!command) {
        r.error = describe(frame_error::incomplete);
        return r;
    }
    const kit::aes128_key& key = key_for(*command);
    decode_result d = version_ == protocol_version::v35 ? decode_6699(frame_bytes, key, from_device)
                      : version_ == protocol_version::v34
                          ? decode_55aa(frame_bytes, trailer::hmac_sha256, key, from_device)
                          : decode_55aa(frame_bytes, trailer::crc32, {}, from_device);
    if (!d.value) {
        r.error = describe(d.error);
        return r;
    }
    message m;
    m.seq = d.value->seq;
    m.cmd = d.value->cmd;
    m.retcode = d.value->retcode;
    bytes& p = d.value->payload;
    if (version_ != protocol_version::v35 && !p.empty()) {
        std::span<const std::uint8_t> cipher(p);
        // 3.3 puts the clear version header before the ciphertext (15 + a multiple of 16 bytes).
        if (version_ == protocol_version::v33 && cipher.size() % 16 == k_version_header && starts_with_version(cipher))
            cipher = cipher.subspan(k_version_header);
        if (!cipher.empty()) {
            auto plain = kit::aes128_ecb_decrypt(key, cipher, true);
            if (!plain) {
                r.error = "payload does not decrypt (wrong key?)";
                return r;
            }
            p = std::move(*plain);
        } else {
            p.clear();
        }
    }
    if (version_ != protocol_version::v33 && !is_negotiation(m.cmd) && starts_with_version(p))
        p.erase(p.begin(), p.begin() + k_version_header);
    m.payload = std::move(p);
    r.value = std::move(m);
    return r;
}

std::string payload_text(const bytes& payload) {
    std::string text(payload.begin(), payload.end());
    while (!text.empty() && text.back() == '\0') text.pop_back();
    return text;
}

}  // namespace hearth::tuya
