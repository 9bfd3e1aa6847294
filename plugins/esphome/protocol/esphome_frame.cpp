// Role: implementation of the ESPHome frame layer (esphome_frame.hpp).
#include "esphome_frame.hpp"

#include <stdexcept>

namespace hearth::esphome {

std::string_view describe(frame_error e) {
    switch (e) {
    case frame_error::none: return "no error";
    case frame_error::incomplete: return "incomplete frame";
    case frame_error::bad_indicator: return "bad indicator byte";
    case frame_error::bad_varint: return "malformed varint";
    case frame_error::too_large: return "frame too large";
    }
    return "unknown frame error";
}

void put_varint(bytes& out, std::uint32_t value) {
    while (value >= 0x80U) {
        out.push_back(static_cast<std::uint8_t>(value | 0x80U));
        value >>= 7U;
    }
    out.push_back(static_cast<std::uint8_t>(value));
}

std::optional<std::uint32_t> get_varint(std::span<const std::uint8_t> buf, std::size_t& pos, bool& bad) {
    std::uint64_t value = 0;
    std::size_t p = pos;
    for (int shift = 0; shift < 35; shift += 7) {
        if (p >= buf.size()) return std::nullopt;
        const std::uint8_t b = buf[p++];
        value |= static_cast<std::uint64_t>(b & 0x7fU) << static_cast<unsigned>(shift);
        if ((b & 0x80U) == 0) {
            if (value > 0xffffffffULL) break;
            pos = p;
            return static_cast<std::uint32_t>(value);
        }
    }
    bad = true;
    return std::nullopt;
}

split_frame next_plain_frame(std::span<const std::uint8_t> buf) {
    split_frame f;
    if (buf.empty()) return f;
    if (buf[0] != k_plain_indicator) {
        f.error = frame_error::bad_indicator;
        f.indicator = buf[0];
        return f;
    }
    std::size_t pos = 1;
    bool bad = false;
    const auto length = get_varint(buf, pos, bad);
    if (!length) {
        if (bad) f.error = frame_error::bad_varint;
        return f;
    }
    if (*length > k_max_plain_payload) {
        f.error = frame_error::too_large;
        return f;
    }
    const auto type = get_varint(buf, pos, bad);
    if (!type) {
        if (bad) f.error = frame_error::bad_varint;
        return f;
    }
    if (buf.size() - pos < *length) return f;  // incomplete
    f.error = frame_error::none;
    f.type = *type;
    f.body_offset = pos;
    f.body_size = *length;
    f.size = pos + *length;
    return f;
}

split_frame next_noise_frame(std::span<const std::uint8_t> buf) {
    split_frame f;
    if (buf.empty()) return f;
    if (buf[0] != k_noise_indicator) {
        f.error = frame_error::bad_indicator;
        f.indicator = buf[0];
        return f;
    }
    if (buf.size() < 3) return f;
    const std::size_t length = (static_cast<std::size_t>(buf[1]) << 8U) | buf[2];
    if (buf.size() - 3 < length) return f;
    f.error = frame_error::none;
    f.body_offset = 3;
    f.body_size = length;
    f.size = 3 + length;
    return f;
}

bytes encode_plain(std::uint32_t type, std::span<const std::uint8_t> payload) {
    if (payload.size() > k_max_plain_payload) throw std::length_error("esphome: payload too large");
    bytes out;
    out.reserve(payload.size() + 11);
    out.push_back(k_plain_indicator);
    put_varint(out, static_cast<std::uint32_t>(payload.size()));
    put_varint(out, type);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

bytes encode_noise_frame(std::span<const std::uint8_t> body) {
    if (body.size() > k_max_noise_frame) throw std::length_error("esphome: noise frame too large");
    bytes out;
    out.reserve(body.size() + 3);
    out.push_back(k_noise_indicator);
    out.push_back(static_cast<std::uint8_t>(body.size() >> 8U));
    out.push_back(static_cast<std::uint8_t>(body.size() & 0xffU));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

bytes encode_noise_plain(std::uint16_t type, std::span<const std::uint8_t> payload) {
    if (payload.size() > k_max_noise_payload) throw std::length_error("esphome: payload too large");
    bytes out;
    out.reserve(payload.size() + 4);
    out.push_back(static_cast<std::uint8_t>(type >> 8U));
    out.push_back(static_cast<std::uint8_t>(type & 0xffU));
    out.push_back(static_cast<std::uint8_t>(payload.size() >> 8U));
    out.push_back(static_cast<std::uint8_t>(payload.size() & 0xffU));
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

std::optional<noise_plain> decode_noise_plain(std::span<const std::uint8_t> plain) {
    if (plain.size() < 4) return std::nullopt;
    const auto type = static_cast<std::uint16_t>((plain[0] << 8U) | plain[1]);
    const std::size_t length = (static_cast<std::size_t>(plain[2]) << 8U) | plain[3];
    if (length > plain.size() - 4) return std::nullopt;
    return noise_plain{type, plain.subspan(4, length)};
}

}  // namespace hearth::esphome
