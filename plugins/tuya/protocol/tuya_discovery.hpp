// Role: decoding (and, for the simulator and tests, encoding) of the UDP broadcasts Tuya devices
// send to announce themselves: 55AA frames with a plaintext JSON payload on port 6666 (3.1),
// 55AA frames whose payload is AES-128-ECB under MD5("yGAdlopoPVldABfn") on port 6667 (3.3/3.4),
// and 6699 GCM frames under the same key on port 6667 (3.5). Pure; datagrams are untrusted.
#pragma once

#include "tuya_frame.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace hearth::tuya {

inline constexpr std::uint16_t k_discovery_port_plain = 6666;
inline constexpr std::uint16_t k_discovery_port_encrypted = 6667;
inline constexpr std::uint16_t k_device_port = 6668;

/// The well-known broadcast key, MD5("yGAdlopoPVldABfn").
const kit::aes128_key& udp_key();

/// What a discovery broadcast announces.
struct discovery_info {
    std::string gw_id;        ///< the device id
    std::string ip;           ///< the address the device announces (may differ from the sender)
    std::string version;      ///< protocol version text, e.g. "3.3"
    std::string product_key;  ///< empty when absent
    bool encrypted = false;   ///< the broadcast itself was encrypted
    std::string json_text;    ///< the decoded JSON document
};

/// Result of decoding a datagram; `error` is a short reason when `value` is empty.
struct discovery_result {
    std::optional<discovery_info> value;
    std::string error;
};
/// Decodes one discovery datagram of any of the three formats.
discovery_result decode_discovery(std::span<const std::uint8_t> datagram);

/// The three broadcast formats.
enum class discovery_format { plain_55aa, ecb_55aa, gcm_6699 };
/// Builds a broadcast carrying `json_text` (used by the simulator and the tests).
bytes encode_discovery(std::string_view json_text, discovery_format format, std::uint32_t seq = 0);

}  // namespace hearth::tuya
