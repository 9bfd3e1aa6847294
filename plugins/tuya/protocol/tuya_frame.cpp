// Role: implementation of the Tuya 55AA/6699 frame layer (tuya_frame.hpp).
#include "tuya_frame.hpp"

#include <hearth/kit/byte_order.hpp>

#include <openssl/rand.h>

#include <stdexcept>

namespace hearth::tuya {

namespace {

constexpr std::size_t k_tag = 16;
constexpr std::size_t k_iv = 12;

bool looks_like_retcode(std::uint32_t word) { return (word & 0xFFFFFF00U) == 0; }

}  // namespace

const char* describe(frame_error e) {
    switch (e) {
    case frame_error::incomplete: return "incomplete frame";
    case frame_error::bad_prefix: return "bad frame prefix";
    case frame_error::bad_length: return "impossible length field";
    case frame_error::too_large: return "frame too large";
    case frame_error::bad_suffix: return "bad frame suffix";
    case frame_error::bad_crc: return "CRC-32 mismatch";
    case frame_error::bad_hmac: return "HMAC mismatch (wrong key?)";
    case frame_error::bad_tag: return "GCM tag mismatch (wrong key?)";
    }
    return "unknown frame error";
}

bytes encode_55aa(const frame& f, trailer t, std::span<const std::uint8_t> hmac_key) {
    const std::size_t trailer_size = t == trailer::crc32 ? 4 : 32;
    const std::size_t length = (f.retcode ? 4 : 0) + f.payload.size() + trailer_size + 4;
    if (k_header_55aa + length > k_max_frame) throw std::length_error("Tuya frame too large");
    kit::be_writer w;
    w.u32(k_prefix_55aa);
    w.u32(f.seq);
    w.u32(f.cmd);
    w.u32(static_cast<std::uint32_t>(length));
    if (f.retcode) w.u32(*f.retcode);
    w.bytes(f.payload);
    if (t == trailer::crc32) {
        w.u32(kit::crc32(w.data()));
    } else {
        w.bytes(kit::hmac_sha256(hmac_key, w.data()));
    }
    w.u32(k_suffix_55aa);
    return w.take();
}

bytes encode_6699(const frame& f, const kit::aes128_key& key, const iv_bytes& iv) {
    bytes plain;
    plain.reserve(f.payload.size() + 4);
    if (f.retcode) {
        kit::be_writer rc;
        rc.u32(*f.retcode);
        plain = rc.take();
    }
    plain.insert(plain.end(), f.payload.begin(), f.payload.end());
    const std::size_t length = k_iv + plain.size() + k_tag;
    if (k_header_6699 + length + 4 > k_max_frame) throw std::length_error("Tuya frame too large");
    kit::be_writer w;
    w.u32(k_prefix_6699);
    w.u16(0);
    w.u32(f.seq);
    w.u32(f.cmd);
    w.u32(static_cast<std::uint32_t>(length));
    const bytes aad(w.data().begin() + 4, w.data().end());
    const kit::gcm_sealed sealed = kit::aes128_gcm_encrypt(key, iv, aad, plain);
    w.bytes(iv);
    w.bytes(sealed.cipher);
    w.bytes(sealed.tag);
    w.u32(k_suffix_6699);
    return w.take();
}

split_result next_frame(std::span<const std::uint8_t> stream) {
    const auto prefix = kit::read_be32(stream, 0);
    if (!prefix) return {};
    if (*prefix == k_prefix_55aa) {
        const auto length = kit::read_be32(stream, 12);
        if (!length) return {};
        if (*length < 8) return {0, frame_error::bad_length};
        if (*length > k_max_frame - k_header_55aa) return {0, frame_error::too_large};
        const std::size_t total = k_header_55aa + *length;
        if (stream.size() < total) return {};
        return {total, frame_error::incomplete};
    }
    if (*prefix == k_prefix_6699) {
        const auto length = kit::read_be32(stream, 14);
        if (!length) return {};
        if (*length < k_iv + k_tag) return {0, frame_error::bad_length};
        if (*length > k_max_frame - k_header_6699 - 4) return {0, frame_error::too_large};
        const std::size_t total = k_header_6699 + *length + 4;
        if (stream.size() < total) return {};
        return {total, frame_error::incomplete};
    }
    return {0, frame_error::bad_prefix};
}

decode_result decode_55aa(std::span<const std::uint8_t> data, trailer t, std::span<const std::uint8_t> hmac_key,
                          bool from_device) {
    decode_result r;
    const split_result split = next_frame(data);
    if (split.size == 0) {
        r.error = split.error;
        return r;
    }
    if (split.size != data.size() || kit::read_be32(data, 0) != k_prefix_55aa) {
        r.error = split.size != data.size() ? frame_error::bad_length : frame_error::bad_prefix;
        return r;
    }
    const std::size_t trailer_size = t == trailer::crc32 ? 4 : 32;
    if (data.size() < k_header_55aa + trailer_size + 4) {
        r.error = frame_error::bad_length;
        return r;
    }
    if (kit::read_be32(data, data.size() - 4) != k_suffix_55aa) {
        r.error = frame_error::bad_suffix;
        return r;
    }
    const std::size_t body_end = data.size() - 4 - trailer_size;
    const auto covered = data.first(body_end);
    const auto trailer_bytes = data.subspan(body_end, trailer_size);
    if (t == trailer::crc32) {
        if (kit::read_be32(trailer_bytes, 0) != kit::crc32(covered)) {
            r.error = frame_error::bad_crc;
            return r;
        }
    } else if (!kit::constant_time_equal(kit::hmac_sha256(hmac_key, covered), trailer_bytes)) {
        r.error = frame_error::bad_hmac;
        return r;
    }
    kit::be_reader rd(covered);
    rd.skip(4);
    frame f;
    f.seq = rd.u32().value_or(0);
    f.cmd = rd.u32().value_or(0);
    rd.skip(4);
    if (from_device) {
        const auto word = kit::read_be32(covered, k_header_55aa);
        if (word && looks_like_retcode(*word)) {
            f.retcode = *word;
            rd.skip(4);
        }
    }
    const auto payload = rd.bytes(rd.remaining());
    if (payload) f.payload.assign(payload->begin(), payload->end());
    r.value = std::move(f);
    return r;
}

decode_result decode_6699(std::span<const std::uint8_t> data, const kit::aes128_key& key, bool from_device) {
    decode_result r;
    const split_result split = next_frame(data);
    if (split.size == 0) {
        r.error = split.error;
        return r;
    }
    if (split.size != data.size() || kit::read_be32(data, 0) != k_prefix_6699) {
        r.error = split.size != data.size() ? frame_error::bad_length : frame_error::bad_prefix;
        return r;
    }
    if (kit::read_be32(data, data.size() - 4) != k_suffix_6699) {
        r.error = frame_error::bad_suffix;
        return r;
    }
    kit::be_reader rd(data);
    rd.skip(6);
    frame f;
    f.seq = rd.u32().value_or(0);
    f.cmd = rd.u32().value_or(0);
    const std::uint32_t length = rd.u32().value_or(0);
    const auto aad = data.subspan(4, k_header_6699 - 4);
    const auto iv = rd.bytes(k_iv);
    const auto cipher = rd.bytes(length - k_iv - k_tag);  // next_frame checked length >= 28
    const auto tag = rd.bytes(k_tag);
    if (!iv || !cipher || !tag) {
        r.error = frame_error::bad_length;
        return r;
    }
    auto plain = kit::aes128_gcm_decrypt(key, iv->first<k_iv>(), aad, *cipher, tag->first<k_tag>());
    if (!plain) {
        r.error = frame_error::bad_tag;
        return r;
    }
    if (from_device) {
        const auto word = kit::read_be32(*plain, 0);
        if (word && looks_like_retcode(*word)) {
            f.retcode = *word;
            plain->erase(plain->begin(), plain->begin() + 4);
        }
    }
    f.payload = std::move(*plain);
    r.value = std::move(f);
    return r;
}

iv_bytes random_iv() {
    iv_bytes iv{};
    if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    return iv;
}

}  // namespace hearth::tuya
