// Role: implementation of the Tuya UDP discovery codec (tuya_discovery.hpp).
#include "tuya_discovery.hpp"

#include <hearth/kit/byte_order.hpp>

#include <nlohmann/json.hpp>

namespace hearth::tuya {

namespace {

std::string string_field(const nlohmann::json& j, const char* name) {
    const auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

const kit::aes128_key& udp_key() {
    static const kit::aes128_key key = kit::md5(kit::as_bytes("yGAdlopoPVldABfn"));
    return key;
}

discovery_result decode_discovery(std::span<const std::uint8_t> datagram) {
    discovery_result r;
    const auto prefix = kit::read_be32(datagram, 0);
    std::string text;
    bool encrypted = false;
    if (prefix == k_prefix_6699) {
        const decode_result d = decode_6699(datagram, udp_key(), true);
        if (!d.value) {
            r.error = describe(d.error);
            return r;
        }
        text.assign(d.value->payload.begin(), d.value->payload.end());
        encrypted = true;
    } else if (prefix == k_prefix_55aa) {
        const decode_result d = decode_55aa(datagram, trailer::crc32, {}, true);
        if (!d.value) {
            r.error = describe(d.error);
            return r;
        }
        const bytes& p = d.value->payload;
        if (!p.empty() && p.front() == '{' && p.back() == '}') {
            text.assign(p.begin(), p.end());
        } else {
            const auto plain = kit::aes128_ecb_decrypt(udp_key(), p, true);
            if (!plain) {
                r.error = "payload does not decrypt with the broadcast key";
                return r;
            }
            text.assign(plain->begin(), plain->end());
            encrypted = true;
        }
    } else {
        r.error = prefix ? describe(frame_error::bad_prefix) : describe(frame_error::incomplete);
        return r;
    }
    while (!text.empty() && text.back() == '\0') text.pop_back();
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        r.error = "payload is not a JSON object";
        return r;
    }
    discovery_info info;
    info.gw_id = string_field(j, "gwId");
    if (info.gw_id.empty()) {
        r.error = "broadcast without a gwId";
        return r;
    }
    info.ip = string_field(j, "ip");
    info.version = string_field(j, "version");
    info.product_key = string_field(j, "productKey");
    info.encrypted = encrypted;
    info.json_text = std::move(text);
    r.value = std::move(info);
    return r;
}

bytes encode_discovery(std::string_view json_text, discovery_format format, std::uint32_t seq) {
    frame f;
    f.seq = seq;
    f.cmd = format == discovery_format::plain_55aa ? cmd::udp : cmd::udp_new;
    f.retcode = 0;
    switch (format) {
    case discovery_format::plain_55aa:
        f.payload.assign(json_text.begin(), json_text.end());
        return encode_55aa(f, trailer::crc32);
    case discovery_format::ecb_55aa:
        f.payload = *kit::aes128_ecb_encrypt(udp_key(), kit::as_bytes(json_text), true);
        return encode_55aa(f, trailer::crc32);
    case discovery_format::gcm_6699:
        f.payload.assign(json_text.begin(), json_text.end());
        return encode_6699(f, udp_key(), random_iv());
    }
    return {};
}

}  // namespace hearth::tuya
